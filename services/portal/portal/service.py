from datetime import timedelta

from nameko.timer import timer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portico_kit import config
from portico_kit.actors import org_of, public, require_staff
from portico_kit.db import Database
from portico_kit.errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unauthorized
from portico_kit.health import HealthMixin
from portico_kit.l10n import language_or_none, pick_language
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin
from portico_kit.rpc import TimedRpcProxy, rpc
from portico_kit.security import MIN_PASSWORD_LENGTH, hash_password, new_token, token_hash, verify_password
from portico_kit.throttle import SignInThrottle, client_key
from portico_kit.timeutil import aware, iso, utcnow
from portico_kit.validation import load

from . import events, names
from .activity import ActivityLog
from .contact_access import ContactAccess
from .models import (Invitation, LoginFailure, OutboxEvent, PasswordReset, PortalAccess, PortalContact,
                     PortalPreferences, PortalSession)
from .password_reset import RESET_THROTTLE, PasswordResets
from .schemas import (DISABLED_MESSAGE, FLAGS, AcceptInvitationSchema, ContactIdsSchema, LoginSchema,
                      PreferencesSchema, branding, features, portal_contact_dict, portal_public, portal_url,
                      preferences_dict)

# INVITATION_TTL_DAYS is the documented name; PORTAL_INVITATION_TTL_DAYS the older one, still honoured
INVITATION_TTL = timedelta(days=config.env_float(
    "INVITATION_TTL_DAYS", config.env_float("PORTAL_INVITATION_TTL_DAYS", 7)))
SESSION_TTL = timedelta(hours=config.env_float("PORTAL_SESSION_TTL_HOURS", 24 * 14))
MAX_FAILURES = config.env_int("LOGIN_MAX_FAILURES", 10)
LOGIN_THROTTLE = SignInThrottle(LoginFailure, MAX_FAILURES, config.env_int("LOGIN_MAX_FAILURES_PER_CLIENT", 30), 15)


class PortalService(HealthMixin, OutboxRelayMixin, events.EventHandlers, ActivityLog, ContactAccess,
                    PasswordResets):
    name = "portal"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)
    customers = TimedRpcProxy("customers")

    # -- preferences (staff) -------------------------------------------------------------------

    @rpc
    def get_preferences(self, actor):
        org_id = require_staff(actor)
        prefs = self._ensure_preferences(org_id, actor.get("org_name"))
        self.db.commit()
        return preferences_dict(prefs)

    @rpc
    def update_preferences(self, actor, data):
        org_id = require_staff(actor)
        prefs = self._ensure_preferences(org_id, actor.get("org_name"))
        data = load(PreferencesSchema(), data, partial=True)
        data.pop("portal_url", None)
        if "portal_name" in data:
            wanted = (data.pop("portal_name") or "").strip().lower()
            reason = names.problem(wanted)
            if reason:
                raise Invalid(code="invalid_portal_name", message=reason, fields={"portal_name": reason})
            prefs.portal_name = wanted
        if "banner_message" in data:
            prefs.banner_message = data.pop("banner_message") or ""
        if data.get("allow_forwarding") and not prefs.allow_forwarding:
            prefs.forwarding_enabled_at = utcnow()  # links forwarded before switching off stay ended
        for flag in FLAGS:
            if flag in data:
                setattr(prefs, flag, data[flag])
        try:
            self.db.commit()
        except IntegrityError:
            self.db.rollback()
            message = "That portal name is taken by another organization."
            raise Conflict(code="portal_name_taken", message=message, fields={"portal_name": message})
        return preferences_dict(prefs)

    # -- portal access (staff) -----------------------------------------------------------------

    @rpc
    def enable_portal(self, actor, customer_id, contact_ids=None):
        """All contacts with an email, or the chosen ones. Chosen contacts are enabled again if
        staff had disabled them one by one; "all" leaves those disabled (reported in `skipped`)."""
        org_id = require_staff(actor)
        contact_ids = load(ContactIdsSchema(), {"contact_ids": contact_ids})["contact_ids"] or None
        prefs = self._ensure_preferences(org_id, actor.get("org_name"))
        self.db.commit()  # release the connection before calling out (SQLite has one per process)
        recipients = self.customers.portal_recipients(actor, customer_id, contact_ids)
        if not recipients["contacts"]:
            raise Invalid(code="email_required",
                          message="Add an email address to this customer or one of its contact "
                                  "persons before enabling the portal.",
                          fields={"email": "The customer needs an email address for portal access."})
        customer = recipients["customer"]
        access = self.db.get(PortalAccess, customer["id"])
        if access is None:
            access = PortalAccess(customer_id=customer["id"], org_id=org_id, customer_name=customer["display_name"])
            self.db.add(access)
        if not access.enabled:  # "enabled since": share links from before a disable stay ended
            access.enabled_at = utcnow()
        access.enabled, access.disabled_at = True, None
        access.customer_name = customer["display_name"]
        access.customer_language = customer.get("language")
        invited, skipped = self._invite(prefs, access, recipients["contacts"], actor,
                                        reenable=bool(contact_ids))
        if not invited and skipped and not self._logins(customer["id"]):
            self.db.rollback()
            raise Conflict(code="contact_email_in_use", message=skipped[0]["reason"],
                           fields={"contact_ids": skipped[0]["reason"]})
        self.events(events.PORTAL_ENABLED, {"customer": {"id": access.customer_id,
                                                         "display_name": access.customer_name}},
                    actor=public(actor))
        self.db.commit()
        return {"enabled": True, "invited": invited, "skipped": skipped}

    @rpc
    def resend_invitations(self, actor, customer_id, contact_ids=None):
        """A fresh invitation (the old link stops working) to the chosen contacts, or, with none
        chosen, to every contact whose invitation is still pending (invited, no password yet).
        Never to someone who was not invited before: a contact added by forwarding gets portal
        access only when staff choose it."""
        org_id = require_staff(actor)
        contact_ids = load(ContactIdsSchema(), {"contact_ids": contact_ids})["contact_ids"] or None
        access = self.db.get(PortalAccess, str(customer_id))
        if access is None or access.org_id != org_id or not access.enabled:
            self.db.rollback()
            self.customers.get_customer(actor, customer_id)  # another organization's: 404
            raise Conflict(code="portal_not_enabled", message="Enable the portal for this customer first.")
        prefs = self._ensure_preferences(org_id, actor.get("org_name"))
        if contact_ids is None:
            contact_ids = [c.contact_id for c in self._logins(access.customer_id)
                           if c.invited_at is not None and not c.password_hash and c.disabled_at is None]
            if not contact_ids:
                self.db.rollback()
                return {"invited": [], "skipped": []}
        self.db.commit()
        recipients = self.customers.portal_recipients(actor, customer_id, contact_ids)
        access = self.db.get(PortalAccess, str(customer_id))
        invited, skipped = self._invite(prefs, access, recipients["contacts"], actor)
        self.db.commit()
        return {"invited": invited, "skipped": skipped}

    @rpc
    def disable_portal(self, actor, customer_id):
        org_id = require_staff(actor)
        access = self.db.get(PortalAccess, str(customer_id))
        if access is not None and access.org_id == org_id:
            access.enabled, access.disabled_at = False, utcnow()
            # sessions end at once: the gateway resolves every request against this table
            self.db.execute(delete(PortalSession).where(PortalSession.customer_id == access.customer_id))
            self.db.execute(update(Invitation).where(Invitation.customer_id == access.customer_id,
                                                     Invitation.used_at.is_(None),
                                                     Invitation.revoked_at.is_(None))
                            .values(revoked_at=utcnow()))
            self.events(events.PORTAL_DISABLED, {"customer": {"id": access.customer_id,
                                                              "display_name": access.customer_name}},
                        actor=public(actor))
            self.db.commit()
        else:
            # unknown here: confirm the customer exists in this organization (404 otherwise)
            self.customers.get_customer(actor, customer_id)
        return {"enabled": False}

    @rpc
    def get_portal_access(self, actor, customer_id):
        org_id = require_staff(actor)
        access = self.db.get(PortalAccess, str(customer_id))
        if access is None or access.org_id != org_id:
            return {"enabled": False, "contacts": []}
        open_invitations = {i.contact_id: i for i in self.db.scalars(
            select(Invitation).where(Invitation.customer_id == access.customer_id,
                                     Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at))}
        prefs = self.db.get(PortalPreferences, org_id)
        return {"enabled": access.enabled, "enabled_at": iso(access.enabled_at),
                "contacts": [portal_contact_dict(c, open_invitations.get(c.contact_id),
                                                 events.contact_language(prefs, access, c))
                             for c in self._logins(access.customer_id)]}

    @rpc
    def get_portal_access_many(self, actor, customer_ids):
        """{customer_id: enabled} for a page of customers (one call, not one per row)."""
        org_id = require_staff(actor)
        rows = self.db.scalars(select(PortalAccess).where(PortalAccess.org_id == org_id,
                                                          PortalAccess.customer_id.in_(customer_ids)))
        enabled = {row.customer_id: row.enabled for row in rows}
        return {cid: enabled.get(cid, False) for cid in customer_ids}

    # -- the customer side ---------------------------------------------------------------------

    @rpc
    def get_public_portal(self, portal_name):
        """What a signed-out visitor of /portal/<name> may know: that it exists, and whose it is."""
        prefs = self._portal(portal_name)
        return {"name": prefs.portal_name, "organization_name": prefs.organization_name,
                "url": portal_url(prefs.portal_name), "branding": branding(prefs)}

    @rpc
    def share_link_state(self, org_id, customer_id):
        """What billing checks before showing a forwarded document: the organization's portal name
        today, and since when forwarding and this customer's portal have been on (None: off)."""
        prefs = self.db.get(PortalPreferences, str(org_id))
        if prefs is None:
            raise NotFound(message="Portal not found.")
        access = self.db.get(PortalAccess, str(customer_id))
        enabled = access is not None and access.org_id == prefs.org_id and access.enabled
        return {"portal_name": prefs.portal_name, "portal_url": portal_url(prefs.portal_name),
                "forwarding": prefs.allow_forwarding,
                "forwarding_since": iso(prefs.forwarding_enabled_at) if prefs.allow_forwarding else None,
                "customer_enabled": enabled, "customer_enabled_since": iso(access.enabled_at) if enabled else None}

    @rpc
    def get_invitation(self, portal_name, token):
        prefs = self._portal(portal_name)
        invitation, contact = self._invitation(prefs, token)
        return {"email": contact.email, "name": contact.name, "organization_name": prefs.organization_name,
                "expires_at": iso(invitation.expires_at), "language": self._language_of(contact, prefs)}

    @rpc
    def accept_invitation(self, portal_name, token, data):
        prefs = self._portal(portal_name)
        password = load(AcceptInvitationSchema(), data)["password"]
        invitation, contact = self._invitation(prefs, token)
        if len(password) < MIN_PASSWORD_LENGTH or len(password) > 1024:
            message = f"Use at least {MIN_PASSWORD_LENGTH} characters."
            raise Invalid(code="weak_password", message=message, fields={"password": message})
        now = utcnow()
        invitation.used_at = now
        contact.password_hash = hash_password(password)
        contact.activated_at = contact.activated_at or now
        contact.last_login_at = now
        session_token = self._new_session(contact)
        actor = self._actor(contact)
        self.events(events.PORTAL_INVITATION_ACCEPTED, {"contact": {"id": contact.contact_id,
                                                                   "email": contact.email,
                                                                   "name": contact.name}},
                    actor=actor)
        self.db.commit()
        return {"token": session_token}

    @rpc
    def login(self, portal_name, data, client=None):
        """`client`: the address the request came from (the gateway's), for per-address limits."""
        prefs = self._portal(portal_name)
        data = load(LoginSchema(), data)
        email = data["email"].strip().lower()
        client = client_key(client)
        LOGIN_THROTTLE.check(self.db, client, org_id=prefs.org_id, email=email)
        contact = self.db.scalar(select(PortalContact).where(PortalContact.org_id == prefs.org_id,
                                                             PortalContact.email == email))
        if not verify_password(contact.password_hash if contact else None, data["password"]):
            LOGIN_THROTTLE.record(self.db, client, org_id=prefs.org_id, email=email)
            self.db.commit()
            raise Unauthorized(code="invalid_credentials", message="Email or password is wrong.")
        access = self.db.get(PortalAccess, contact.customer_id)
        if access is None or not access.enabled or contact.disabled_at is not None:
            raise Forbidden(code="portal_disabled", message=DISABLED_MESSAGE)
        LOGIN_THROTTLE.clear(self.db, client, org_id=prefs.org_id, email=email)
        contact.last_login_at = utcnow()
        session_token = self._new_session(contact)
        self.events(events.PORTAL_SIGNED_IN, {"contact": {"id": contact.contact_id, "email": contact.email,
                                                         "name": contact.name}},
                    actor=self._actor(contact))
        self.db.commit()
        return {"token": session_token}

    @rpc
    def resolve_session(self, portal_name, token):
        """Session token -> {actor, contact, portal}; 401 when unknown, expired or another portal's."""
        session = self.db.get(PortalSession, token_hash(token)) if token else None
        if session is None or aware(session.expires_at) <= utcnow():
            raise Unauthorized(code="invalid_session", message="Please sign in again.")
        prefs = self.db.get(PortalPreferences, session.org_id)
        if prefs is None or prefs.portal_name != (portal_name or "").lower():
            raise Unauthorized(code="invalid_session", message="Please sign in again.")
        contact = self.db.get(PortalContact, session.contact_id)
        actor = dict(self._actor(contact), language=self._language_of(contact, prefs),
            org_country=prefs.organization_country, org_timezone=prefs.organization_timezone or "UTC")
        return {"actor": actor,
                "contact": {"id": contact.contact_id, "email": contact.email, "name": contact.name,
                            "last_login_at": iso(contact.last_login_at)},
                "portal": portal_public(prefs)}

    @rpc
    def logout(self, token):
        session = self.db.get(PortalSession, token_hash(token)) if token else None
        if session is not None:
            self.db.delete(session)
            self.events(events.PORTAL_SESSIONS_ENDED,
                        events.sessions_ended_payload(session.customer_id, session.contact_id, "logout"),
                        org_id=session.org_id)
        self.db.commit()
        return {"ok": True}

    @rpc
    def remember_contact_language(self, actor, language):
        """The signed-in contact just chose their language (saved by customers, which also tells us
        by contact_updated): their next page already speaks it."""
        if not isinstance(actor, dict) or actor.get("kind") != "customer":
            raise Forbidden(message="Only a signed-in customer can do that.")
        login = self.db.get(PortalContact, str(actor.get("contact_id") or ""))
        if login is None or login.org_id != org_of(actor):
            raise NotFound(message="Contact not found.")
        login.language = language_or_none(language)
        effective = self._language_of(login, self.db.get(PortalPreferences, login.org_id))
        self.db.commit()
        return {"language": login.language, "effective": effective}

    @rpc
    def get_features(self, actor):
        prefs = self.db.get(PortalPreferences, org_of(actor))
        if prefs is None:
            raise NotFound(message="Portal not found.")
        return features(prefs)

    @timer(interval=3600)
    def purge_expired(self):
        now = utcnow()
        self.db.execute(delete(PortalSession).where(PortalSession.expires_at < now))
        self.db.execute(delete(PasswordReset).where(PasswordReset.expires_at < now))
        LOGIN_THROTTLE.purge(self.db)
        RESET_THROTTLE.purge(self.db)
        self.db.commit()

    # -- helpers -------------------------------------------------------------------------------

    def _ensure_preferences(self, org_id, organization_name):
        prefs = self.db.get(PortalPreferences, org_id)
        if prefs is not None:
            return prefs
        base = names.derive(organization_name or "portal")
        taken = set(self.db.scalars(select(PortalPreferences.portal_name).where(
            PortalPreferences.portal_name.like(f"{base}%"))))
        portal_name = next(name for name in names.candidates(base) if name not in taken)
        prefs = PortalPreferences(org_id=org_id, organization_name=organization_name or "",
                                  portal_name=portal_name, banner_message="")
        for flag, default in PREFERENCE_DEFAULTS.items():
            setattr(prefs, flag, default)
        self.db.add(prefs)
        try:
            self.db.flush()
        except IntegrityError:  # a concurrent first request created them: use those
            self.db.rollback()
            prefs = self.db.get(PortalPreferences, org_id)
            if prefs is None:
                raise
        return prefs

    def _portal(self, portal_name):
        prefs = self.db.scalar(select(PortalPreferences).where(
            PortalPreferences.portal_name == (portal_name or "").lower()))
        if prefs is None:
            raise NotFound(code="portal_not_found", message="There is no portal at this address.")
        return prefs

    def _language_of(self, contact, prefs):
        """The contact's own language, else their customer's, else the organization's."""
        access = self.db.get(PortalAccess, contact.customer_id)
        return pick_language(contact.language, access.customer_language if access else None,
                             prefs.organization_language if prefs else None)

    def _logins(self, customer_id):
        return self.db.scalars(select(PortalContact).where(PortalContact.customer_id == customer_id)
                               .order_by(PortalContact.email)).all()

    def _invite(self, prefs, access, contacts, actor, reenable=False):
        """Create a fresh invitation per contact that has not set a password yet.

        A contact staff disabled on its own is skipped, or enabled again when `reenable`."""
        invited, skipped = [], []
        for contact in contacts:
            email = contact["email"].lower()
            login = self.db.get(PortalContact, contact["id"])
            clash = self.db.scalar(select(PortalContact).where(
                PortalContact.org_id == access.org_id, PortalContact.email == email,
                PortalContact.contact_id != contact["id"]))
            if clash is not None:
                skipped.append({"email": email, "reason": f"{email} already signs in to this portal "
                                                          "for another customer."})
                continue
            if login is None:
                login = PortalContact(contact_id=contact["id"], org_id=access.org_id,
                                      customer_id=access.customer_id, email=email, name=contact["name"])
                self.db.add(login)
            login.email, login.name, login.language = email, contact["name"], contact.get("language")
            if login.disabled_at is not None:
                if not reenable:
                    skipped.append({"email": email, "reason": f"Portal access of {email} is disabled; "
                                                              "enable that contact first."})
                    continue
                login.disabled_at = None
            if login.password_hash:
                continue  # already active: never reset someone's password by inviting again
            self.db.execute(update(Invitation).where(Invitation.contact_id == login.contact_id,
                                                     Invitation.used_at.is_(None),
                                                     Invitation.revoked_at.is_(None))
                            .values(revoked_at=utcnow()))
            token = new_token()
            expires_at = utcnow() + INVITATION_TTL
            invitation = Invitation(token_hash=token_hash(token), org_id=access.org_id,
                                    customer_id=access.customer_id, contact_id=login.contact_id,
                                    expires_at=expires_at)
            self.db.add(invitation)
            self.db.flush()
            login.invited_at = utcnow()
            url = portal_url(prefs.portal_name)
            self.events(events.PORTAL_INVITATION_CREATED,
                        events.invitation_payload(prefs, access, login, invitation, f"{url}/invite/{token}",
                                                  {"url": url, "expires_at": iso(expires_at)}),
                        actor=public(actor))
            invited.append(email)
        return invited, skipped

    def _invitation(self, prefs, token):
        invitation = self.db.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
        if (invitation is None or invitation.org_id != prefs.org_id or invitation.used_at is not None
                or invitation.revoked_at is not None):
            raise NotFound(code="invitation_not_found",
                           message="This invitation link is not valid or has already been used.")
        if aware(invitation.expires_at) <= utcnow():
            raise Gone(code="invitation_expired",
                       message="This invitation has expired. Ask the business to send a new one.")
        access = self.db.get(PortalAccess, invitation.customer_id)
        if access is None or not access.enabled:
            raise NotFound(code="invitation_not_found", message="This invitation is no longer valid.")
        return invitation, self.db.get(PortalContact, invitation.contact_id)

    def _new_session(self, contact):
        token = new_token()
        self.db.add(PortalSession(token_hash=token_hash(token), org_id=contact.org_id,
                                  customer_id=contact.customer_id, contact_id=contact.contact_id,
                                  expires_at=utcnow() + SESSION_TTL))
        return token

    @staticmethod
    def _actor(contact):
        return {"kind": "customer", "org_id": contact.org_id, "customer_id": contact.customer_id,
                "contact_id": contact.contact_id, "name": contact.name, "email": contact.email}


PREFERENCE_DEFAULTS = {
    # privacy first: customers get more only when staff switch it on
    "notify_staff_on_activity": True, "allow_forwarding": False, "notify_customer_on_comment": True,
    "reviews_enabled": False, "show_projects": False, "allow_profile_edit": False,
    "send_payment_receipts": True,
}
