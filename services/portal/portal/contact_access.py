"""Portal access of one contact person: staff turn it off (sessions end at once) and on again."""
from sqlalchemy import delete, update

from portico_kit.actors import public, require_staff
from portico_kit.errors import Conflict, Invalid, NotFound
from portico_kit.rpc import rpc
from portico_kit.timeutil import utcnow

from . import events
from .models import Invitation, PasswordReset, PortalAccess, PortalContact, PortalSession
from .schemas import portal_contact_dict


class ContactAccess:
    """Mixed into PortalService."""

    @rpc
    def disable_contact(self, actor, customer_id, contact_id):
        login = self._contact_login(actor, customer_id, contact_id)
        now = utcnow()
        login.disabled_at = login.disabled_at or now
        # like disabling the whole customer: nothing this contact holds keeps working
        self.db.execute(delete(PortalSession).where(PortalSession.contact_id == login.contact_id))
        self.db.execute(update(Invitation).where(Invitation.contact_id == login.contact_id,
                                                 Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
                        .values(revoked_at=now))
        self.db.execute(update(PasswordReset).where(PasswordReset.contact_id == login.contact_id,
                                                    PasswordReset.used_at.is_(None)).values(used_at=now))
        self.events(events.PORTAL_SESSIONS_ENDED,
                    events.sessions_ended_payload(login.customer_id, login.contact_id, "contact_disabled"),
                    actor=public(actor))
        self.db.commit()
        return {"contact": portal_contact_dict(login)}

    @rpc
    def enable_contact(self, actor, customer_id, contact_id):
        """Enable one contact of a customer whose portal is on: invite it when it has no password
        yet (also a contact never invited before), else just let it sign in again."""
        org_id = require_staff(actor)
        access = self.db.get(PortalAccess, str(customer_id))
        if access is None or access.org_id != org_id or not access.enabled:
            self.db.rollback()
            self.customers.get_customer(actor, customer_id)  # another organization's: 404
            raise Conflict(code="portal_not_enabled", message="Enable the portal for this customer first.")
        prefs = self._ensure_preferences(org_id, actor.get("org_name"))
        self.db.commit()  # release the connection before calling out
        recipients = self.customers.portal_recipients(actor, customer_id, [str(contact_id)])
        if not recipients["contacts"]:
            raise Invalid(code="email_required", message="Add an email address to this contact first.",
                          fields={"email": "The contact needs an email address for portal access."})
        access = self.db.get(PortalAccess, str(customer_id))
        invited, skipped = self._invite(prefs, access, recipients["contacts"], actor, reenable=True)
        if skipped:
            self.db.rollback()
            raise Conflict(code="contact_email_in_use", message=skipped[0]["reason"],
                           fields={"contact_id": skipped[0]["reason"]})
        self.db.commit()
        return {"contact": portal_contact_dict(self.db.get(PortalContact, str(contact_id))), "invited": invited}

    def _contact_login(self, actor, customer_id, contact_id):
        org_id = require_staff(actor)
        access = self.db.get(PortalAccess, str(customer_id))
        if access is None or access.org_id != org_id:
            self.db.rollback()
            self.customers.get_customer(actor, customer_id)  # another organization's: 404
            access = None
        login = self.db.get(PortalContact, str(contact_id)) if access is not None else None
        if login is None or login.customer_id != access.customer_id:
            raise NotFound(code="contact_not_found", message="This contact has no portal access.")
        return login
