"""Portal contacts' password reset by email link: single use, expiring, stored hashed, and the same
answer for an unknown email as for a known one (no account enumeration)."""
from datetime import timedelta

from sqlalchemy import delete, select, update

from portico_kit import config
from portico_kit.actors import public, system_actor
from portico_kit.errors import Forbidden, Gone, NotFound
from portico_kit.rpc import rpc
from portico_kit.security import hash_password, new_token, token_hash
from portico_kit.throttle import Throttle
from portico_kit.timeutil import aware, iso, utcnow
from portico_kit.validation import load

from . import events
from .models import Invitation, LoginFailure, PasswordReset, PortalAccess, PortalContact, PortalSession
from .schemas import DISABLED_MESSAGE, PasswordResetRequestSchema, PasswordResetSchema, portal_url

RESET_TTL = timedelta(minutes=config.env_float("PASSWORD_RESET_TTL_MINUTES", 60))
# per portal and email, known or not, so the 429 itself tells nothing
RESET_THROTTLE = Throttle(LoginFailure, "reset", config.env_int("PASSWORD_RESET_MAX_REQUESTS", 5), 60,
                          "Too many reset requests for this email; try again in an hour.")


class PasswordResets:
    """Mixed into PortalService."""

    @rpc
    def request_password_reset(self, portal_name, data):
        prefs = self._portal(portal_name)
        email = load(PasswordResetRequestSchema(), data)["email"]
        RESET_THROTTLE.check(self.db, org_id=prefs.org_id, email=email)
        RESET_THROTTLE.record(self.db, org_id=prefs.org_id, email=email)
        contact = self.db.scalar(select(PortalContact).where(PortalContact.org_id == prefs.org_id,
                                                             PortalContact.email == email))
        access = self.db.get(PortalAccess, contact.customer_id) if contact is not None else None
        # a contact whose access is off gets no mail (and the caller the same answer as anyone)
        if access is not None and access.enabled and contact.disabled_at is None:
            token, expires_at = new_token(), utcnow() + RESET_TTL
            self.db.add(PasswordReset(token_hash=token_hash(token), org_id=prefs.org_id,
                                      contact_id=contact.contact_id, expires_at=expires_at))
            url = portal_url(prefs.portal_name)
            self.events(events.PORTAL_PASSWORD_RESET_REQUESTED,
                        events.password_reset_payload(prefs, access, contact, url, f"{url}/reset/{token}",
                                                      iso(expires_at)),
                        actor=public(system_actor(prefs.org_id)))
        self.db.commit()
        return {"accepted": True}

    @rpc
    def get_password_reset(self, portal_name, token):
        """For the reset page: whose link it is (404 unknown or used, 410 expired)."""
        prefs = self._portal(portal_name)
        reset, contact = self._reset(prefs, token)
        return {"email": contact.email, "name": contact.name, "expires_at": iso(reset.expires_at),
                "language": self._language_of(contact, prefs)}

    @rpc
    def reset_password(self, portal_name, token, data):
        """Set the new password, end the contact's other sessions, sign in: {token}."""
        prefs = self._portal(portal_name)
        password = load(PasswordResetSchema(), data)["password"]
        reset, contact = self._reset(prefs, token)
        access = self.db.get(PortalAccess, contact.customer_id)
        if access is None or not access.enabled or contact.disabled_at is not None:
            raise Forbidden(code="portal_disabled", message=DISABLED_MESSAGE)
        now = utcnow()
        contact.password_hash = hash_password(password)
        contact.activated_at = contact.activated_at or now  # the link proved the address, as an invitation does
        contact.last_login_at = now
        self.db.execute(update(PasswordReset).where(PasswordReset.contact_id == contact.contact_id,
                                                    PasswordReset.used_at.is_(None)).values(used_at=now))
        self.db.execute(update(Invitation).where(Invitation.contact_id == contact.contact_id,
                                                 Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
                        .values(revoked_at=now))
        self.db.execute(delete(PortalSession).where(PortalSession.contact_id == contact.contact_id))
        self.events(events.PORTAL_SESSIONS_ENDED,
                    events.sessions_ended_payload(contact.customer_id, contact.contact_id, "password_reset"),
                    org_id=contact.org_id)
        self.db.execute(delete(LoginFailure).where(LoginFailure.org_id == prefs.org_id,
                                                   LoginFailure.email == contact.email,
                                                   LoginFailure.kind == "login"))
        session_token = self._new_session(contact)
        self.events(events.PORTAL_SIGNED_IN, {"contact": {"id": contact.contact_id, "email": contact.email,
                                                         "name": contact.name}},
                    actor=self._actor(contact))
        self.db.commit()
        return {"token": session_token}

    def _reset(self, prefs, token):
        reset = self.db.get(PasswordReset, token_hash(token)) if token else None
        if reset is None or reset.org_id != prefs.org_id or reset.used_at is not None:
            raise NotFound(code="reset_not_found",
                           message="This password reset link is not valid or has already been used.")
        if aware(reset.expires_at) <= utcnow():
            raise Gone(code="reset_expired", message="This password reset link has expired. Ask for a new one.")
        return reset, self.db.get(PortalContact, reset.contact_id)
