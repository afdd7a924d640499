"""Branding settings (logo, accent colour, PDF attachments, Factur-X), mixed into AccountsService.

A change publishes `organization_updated` (the organization with its `branding`), so the portal
shows the new logo and colour without asking accounts on every page."""
import base64
import binascii


from portico_kit.actors import public
from portico_kit.errors import Invalid, NotFound
from portico_kit.rpc import rpc
from portico_kit.validation import load

from . import events, logos
from .models import Branding, Organization
from .schemas import BrandingSchema, branding_dict, country_of


class BrandingSettings:

    @rpc
    def get_branding(self, actor):
        org = self._organization(actor)
        return branding_dict(org.id, self.db.get(Branding, org.id))

    @rpc
    def update_branding(self, actor, data):
        org = self._organization(actor)
        data = load(BrandingSchema(), data, partial=True)
        data.pop("logo_url", None)
        branding = self._branding(org.id)
        if data.get("facturx") and not (org.tax_id or "").strip():
            raise Invalid(code="tax_id_required", message="Add your VAT number (Settings → Organization) first: "
                          "a Factur-X invoice must carry it.", fields={"facturx": "Needs your VAT number."})
        if "accent_color" in data:
            branding.accent_color = data["accent_color"].lower() if data["accent_color"] else None
        for flag in ("attach_pdf_to_emails", "facturx"):
            if flag in data:
                setattr(branding, flag, data[flag])
        return self._branding_changed(actor, org, branding)

    @rpc
    def set_logo(self, actor, content_base64):
        """The raw upload, base64 over the bus: checked by content and re-encoded (logos.py)."""
        org = self._organization(actor)
        try:
            data = base64.b64decode(content_base64 or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise logos.refuse("the upload could not be read")
        content, content_type, digest = logos.clean(data)
        branding = self._branding(org.id)
        branding.logo, branding.logo_content_type, branding.logo_sha256 = content, content_type, digest
        return self._branding_changed(actor, org, branding)

    @rpc
    def delete_logo(self, actor):
        org = self._organization(actor)
        branding = self._branding(org.id)
        branding.logo = branding.logo_content_type = branding.logo_sha256 = None
        return self._branding_changed(actor, org, branding)

    @rpc
    def get_logo(self, org_id):
        """No actor: logos are public (emails show them). {content_type, content_base64, sha256}."""
        branding = self.db.get(Branding, str(org_id)) if isinstance(org_id, str) and len(org_id) <= 36 else None
        if branding is None or not branding.logo:
            raise NotFound(code="logo_not_found", message="This organization has no logo.")
        return {"content_type": branding.logo_content_type, "sha256": branding.logo_sha256,
                "content_base64": base64.b64encode(branding.logo).decode("ascii")}

    def _branding(self, org_id):
        branding = self.db.get(Branding, org_id)
        if branding is None:
            branding = Branding(org_id=org_id, attach_pdf_to_emails=False, facturx=False)
            self.db.add(branding)
        return branding

    def _branding_changed(self, actor, org, branding):
        self.db.flush()
        self.events(events.ORGANIZATION_UPDATED, events.organization_payload(org, branding), actor=public(actor))
        self.db.commit()
        return branding_dict(org.id, branding)

    def _letterhead(self, org, with_logo):
        branding = self.db.get(Branding, org.id)
        result = {"name": org.name, "email": org.email, "phone": org.phone, "address": org.address,
                  "tax_id": org.tax_id or None, "tax_label": org.tax_label or None, "language": org.language or "en",
                  "payment_instructions": org.payment_instructions or None,
                  "country": country_of(org), "timezone": org.timezone, "logo_sha256": branding.logo_sha256 if branding else None,
                  **branding_dict(org.id, branding)}
        if with_logo and branding is not None and branding.logo:
            result["logo_base64"] = base64.b64encode(branding.logo).decode("ascii")
            result["logo_content_type"] = branding.logo_content_type
        return result


def organization_of(session, org_id):
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(message="Organization not found.")
    return org
