from datetime import timedelta

from nameko.timer import timer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portico_kit import config
from portico_kit.actors import org_of, public, require_staff
from portico_kit.db import Database
from portico_kit.errors import Conflict, Invalid, NotFound, Unauthorized
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin
from portico_kit.rpc import rpc
from portico_kit.security import hash_password, new_token, token_hash, verify_password
from portico_kit.throttle import SignInThrottle, client_key
from portico_kit.timeutil import aware, utcnow
from portico_kit.validation import load

from . import events
from .branding import BrandingSettings, organization_of
from .idempotency import IdempotencyKeys
from .models import ApiToken, Branding, LoginFailure, Organization, OutboxEvent, PasswordReset, User
from .password_reset import RESET_THROTTLE, PasswordResets
from .schemas import (LoginSchema, OrganizationSchema, ProfileSchema, SignupSchema, country_of, organization_dict,
                      user_dict)

TOKEN_TTL = timedelta(hours=config.env_float("STAFF_TOKEN_TTL_HOURS", 24 * 30))
MAX_FAILURES = config.env_int("LOGIN_MAX_FAILURES", 10)
LOGIN_THROTTLE = SignInThrottle(LoginFailure, MAX_FAILURES, config.env_int("LOGIN_MAX_FAILURES_PER_CLIENT", 30), 15)
TOUCH_EVERY = timedelta(minutes=1)  # how often last_used_at is written (not on every request)


class AccountsService(HealthMixin, OutboxRelayMixin, PasswordResets, BrandingSettings, IdempotencyKeys):
    name = "accounts"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)

    @rpc
    def signup(self, data):
        data = load(SignupSchema(), data)
        org = Organization(name=data["organization_name"], email=data["email"])
        user = User(organization=org, name=data["name"], email=data["email"],
                    password_hash=hash_password(data["password"]), role="owner")
        self.db.add_all([org, user])
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            raise Conflict(code="email_taken", message="An account with this email already exists.",
                           fields={"email": "An account with this email already exists."})
        token = self._issue_token(user)
        actor = self._actor(user)
        self.events(events.ORGANIZATION_CREATED, events.organization_payload(org), actor=public(actor))
        self.events(events.USER_CREATED, events.user_payload(user), actor=public(actor))
        self.db.commit()
        return {"organization": {"id": org.id, "name": org.name}, "user": user_dict(user), "token": token}

    @rpc
    def login(self, data, client=None):
        """`client`: the address the request came from (the gateway's), for per-address limits."""
        data = load(LoginSchema(), data)
        email = data["email"].strip().lower()
        client = client_key(client)
        LOGIN_THROTTLE.check(self.db, client, email=email)
        user = self.db.scalar(select(User).where(User.email == email))
        if not verify_password(user.password_hash if user else None, data["password"]):
            LOGIN_THROTTLE.record(self.db, client, email=email)
            self.db.commit()
            raise Unauthorized(code="invalid_credentials", message="Email or password is wrong.")
        LOGIN_THROTTLE.clear(self.db, client, email=email)
        user.last_login_at = utcnow()
        token = self._issue_token(user)
        self.db.commit()
        return {"token": token, "user": user_dict(user)}

    @rpc
    def authenticate(self, token):
        """Token -> staff actor (with the organization's name and time zone), or 401."""
        row = self.db.get(ApiToken, token_hash(token)) if token else None
        now = utcnow()
        if row is None or aware(row.expires_at) <= now:
            raise Unauthorized(code="invalid_token", message="Sign in again: the token is invalid or expired.")
        user = self.db.get(User, row.user_id)
        if row.last_used_at is None or now - aware(row.last_used_at) > TOUCH_EVERY:
            row.last_used_at = now
            self.db.commit()
        actor = self._actor(user)
        actor["org_name"] = user.organization.name
        actor["org_timezone"] = user.organization.timezone
        actor["org_currency"] = user.organization.currency
        # pages, emails and formats follow the user's own language, else the organization's
        actor["language"] = user.language or user.organization.language or "en"
        actor["org_language"] = user.organization.language or "en"
        actor["org_country"] = country_of(user.organization)
        return actor

    @rpc
    def logout(self, token):
        row = self.db.get(ApiToken, token_hash(token)) if token else None
        if row is not None:
            self.db.delete(row)
            self.events(events.STAFF_SESSIONS_ENDED, events.sessions_ended_payload(row.user_id, "logout"),
                        org_id=row.org_id)
        self.db.commit()
        return {"ok": True}

    @rpc
    def get_organization(self, actor):
        org = self._organization(actor)
        return organization_dict(org, self.db.get(Branding, org.id))

    @rpc
    def get_letterhead(self, actor, with_logo=False):
        """What a business prints on its documents (name, email, phone, address, tax id, branding;
        the logo itself with `with_logo`): any actor of the organization may read it, a customer too."""
        return self._letterhead(organization_of(self.db, org_of(actor)), with_logo)

    @rpc
    def update_organization(self, actor, data):
        org = self._organization(actor)
        for key, value in load(OrganizationSchema(), data, partial=True).items():
            setattr(org, key, value)
        branding = self.db.get(Branding, org.id)
        if branding is not None and branding.facturx and not (org.tax_id or "").strip():
            raise Invalid(code="tax_id_required", message="Factur-X is on: invoices must carry your VAT number. "
                          "Turn Factur-X off first (Settings → Branding).", fields={"tax_id": "Required for Factur-X."})
        self.events(events.ORGANIZATION_UPDATED, events.organization_payload(org, branding), actor=public(actor))
        self.db.commit()
        return organization_dict(org, branding)

    @rpc
    def get_profile(self, actor):
        """The signed-in staff user's own details and language."""
        return user_dict(self._user(actor))

    @rpc
    def update_profile(self, actor, data):
        user = self._user(actor)
        for key, value in load(ProfileSchema(), data, partial=True).items():
            setattr(user, key, value)
        self.events(events.USER_UPDATED, events.user_updated_payload(user), actor=public(actor))
        self.db.commit()
        return user_dict(user)

    @rpc
    def list_staff(self, actor):
        """Staff of the actor's organization (notifications uses it to email them)."""
        org = self._organization(actor)
        return [user_dict(u) for u in sorted(org.users, key=lambda u: u.created_at)]

    @timer(interval=3600)
    def purge_expired(self):
        now = utcnow()
        self.db.execute(delete(ApiToken).where(ApiToken.expires_at < now))
        self.db.execute(delete(PasswordReset).where(PasswordReset.expires_at < now))
        LOGIN_THROTTLE.purge(self.db)
        RESET_THROTTLE.purge(self.db)
        self.db.commit()

    # -- helpers -------------------------------------------------------------------------------

    def _user(self, actor):
        org_id = require_staff(actor)
        user = self.db.get(User, str(actor.get("user_id") or ""))
        if user is None or user.org_id != org_id:
            raise NotFound(message="User not found.")
        return user

    def _organization(self, actor):
        org = self.db.get(Organization, require_staff(actor))
        if org is None:
            raise NotFound(message="Organization not found.")
        return org

    def _issue_token(self, user):
        token = new_token()
        self.db.add(ApiToken(token_hash=token_hash(token), user_id=user.id, org_id=user.org_id,
                             expires_at=utcnow() + TOKEN_TTL))
        return token

    @staticmethod
    def _actor(user):
        return {"kind": "staff", "org_id": user.org_id, "user_id": user.id, "name": user.name,
                "email": user.email}
