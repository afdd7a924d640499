"""Events the portal publishes, and the ones it consumes from accounts and customers."""
from sqlalchemy import delete, select

from portico_kit.l10n import pick_language
from portico_kit.messaging import first_delivery, on_event

from .models import (Invitation, PasswordReset, PortalAccess, PortalContact, PortalSession,
                     ProcessedEvent)

PORTAL_ENABLED = "portal_enabled"
PORTAL_DISABLED = "portal_disabled"
PORTAL_INVITATION_CREATED = "portal_invitation_created"
PORTAL_INVITATION_ACCEPTED = "portal_invitation_accepted"
PORTAL_SIGNED_IN = "portal_signed_in"
PORTAL_PASSWORD_RESET_REQUESTED = "portal_password_reset_requested"
# sessions stopped working (logout, contact disabled or removed, password reset): the gateway
# evicts its cached sessions at once (the whole customer's with no contact)
PORTAL_SESSIONS_ENDED = "portal_sessions_ended"


def sessions_ended_payload(customer_id, contact_id, reason):
    return {"customer": {"id": customer_id}, "contact": {"id": contact_id} if contact_id else None,
            "reason": reason}


def contact_language(prefs, access, contact):
    """The language the contact reads: their own choice, else their customer's, else the organization's."""
    return pick_language(contact.language, access.customer_language if access else None,
                         prefs.organization_language if prefs else None)


def invitation_payload(prefs, access, contact, invitation, invite_url, portal):
    return {
        "invitation": {"id": invitation.id, "expires_at": portal["expires_at"]},
        "contact": {"id": contact.contact_id, "email": contact.email, "name": contact.name,
                    "language": contact_language(prefs, access, contact)},
        "customer": {"id": access.customer_id, "display_name": access.customer_name},
        "organization": {"id": prefs.org_id, "name": prefs.organization_name},
        "portal": {"name": prefs.portal_name, "url": portal["url"]},
        "invite_url": invite_url,
    }


def password_reset_payload(prefs, access, contact, url, reset_url, expires_at):
    return {
        "contact": {"id": contact.contact_id, "email": contact.email, "name": contact.name,
                    "language": contact_language(prefs, access, contact)},
        "customer": {"id": access.customer_id, "display_name": access.customer_name},
        "organization": {"id": prefs.org_id, "name": prefs.organization_name},
        "portal": {"name": prefs.portal_name, "url": url},
        "reset_url": reset_url, "expires_at": expires_at,
    }


def copy_organization(prefs, org):
    prefs.organization_name = org["name"]
    prefs.organization_language = org.get("language")
    country = (org.get("address") or {}).get("country") if isinstance(org.get("address"), dict) else None
    prefs.organization_country = country.upper() if isinstance(country, str) and len(country) == 2 else None
    prefs.organization_timezone = org.get("timezone")


class EventHandlers:
    """Mixed into PortalService. Each handler is idempotent by event id."""

    @on_event("accounts", "organization_created")
    def on_accounts_organization_created(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_accounts_organization_created"):
            org = event["data"]["organization"]
            copy_organization(self._ensure_preferences(org["id"], org["name"]), org)
            self.db.commit()

    @on_event("accounts", "organization_updated")
    def on_accounts_organization_updated(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_accounts_organization_updated"):
            org = event["data"]["organization"]
            prefs = self._ensure_preferences(org["id"], org["name"])
            copy_organization(prefs, org)
            branding = org.get("branding") or {}
            prefs.logo_url, prefs.accent_color = branding.get("logo_url"), branding.get("accent_color")
            self.db.commit()

    @on_event("customers", "customer_deleted")
    def on_customers_customer_deleted(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_customers_customer_deleted"):
            customer_id = event["data"]["customer"]["id"]
            self.db.execute(delete(PortalSession).where(PortalSession.customer_id == customer_id))
            self.events(PORTAL_SESSIONS_ENDED, sessions_ended_payload(customer_id, None, "customer_deleted"),
                        org_id=event.get("org_id"))
            self.db.execute(delete(Invitation).where(Invitation.customer_id == customer_id))
            self.db.execute(delete(PasswordReset).where(PasswordReset.contact_id.in_(
                select(PortalContact.contact_id).where(PortalContact.customer_id == customer_id))))
            self.db.execute(delete(PortalContact).where(PortalContact.customer_id == customer_id))
            self.db.execute(delete(PortalAccess).where(PortalAccess.customer_id == customer_id))
            self.db.commit()

    @on_event("customers", "contact_deleted")
    def on_customers_contact_deleted(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_customers_contact_deleted"):
            self._remove_login(event["data"]["contact"]["id"], event.get("org_id"))
            self.db.commit()

    @on_event("customers", "contact_updated")
    def on_customers_contact_updated(self, event):
        """A changed email ends that login: the new address must be invited (and prove itself)."""
        if first_delivery(self.db, ProcessedEvent, event, "on_customers_contact_updated"):
            contact = event["data"]["contact"]
            login = self.db.get(PortalContact, contact["id"])
            if login is not None:
                if (contact.get("email") or "").lower() != login.email:
                    self._remove_login(login.contact_id, event.get("org_id"))
                else:
                    login.name = contact.get("name") or login.name
                    login.language = contact.get("language")
            self.db.commit()

    def _remove_login(self, contact_id, org_id):
        login = self.db.get(PortalContact, contact_id)
        if login is not None:
            self.events(PORTAL_SESSIONS_ENDED, sessions_ended_payload(login.customer_id, contact_id, "contact_removed"),
                        org_id=org_id or login.org_id)
        self.db.execute(delete(PortalSession).where(PortalSession.contact_id == contact_id))
        self.db.execute(delete(Invitation).where(Invitation.contact_id == contact_id))
        self.db.execute(delete(PasswordReset).where(PasswordReset.contact_id == contact_id))
        self.db.execute(delete(PortalContact).where(PortalContact.contact_id == contact_id))


