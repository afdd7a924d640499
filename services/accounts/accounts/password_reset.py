"""Staff password reset by email link: single use, expiring, stored hashed, no account enumeration."""
from datetime import timedelta

from sqlalchemy import delete, select, update

from portico_kit import config
from portico_kit.actors import public, system_actor
from portico_kit.errors import Gone, NotFound
from portico_kit.rpc import rpc
from portico_kit.security import hash_password, new_token, token_hash
from portico_kit.throttle import Throttle
from portico_kit.timeutil import aware, iso, utcnow
from portico_kit.validation import load

from . import events
from .models import ApiToken, LoginFailure, PasswordReset, User
from .schemas import PasswordResetRequestSchema, PasswordResetSchema, user_dict

RESET_TTL = timedelta(minutes=config.env_float("PASSWORD_RESET_TTL_MINUTES", 60))
# per email, known or not, so the 429 itself tells nothing; enough for a lost mail or two
RESET_THROTTLE = Throttle(LoginFailure, "reset", config.env_int("PASSWORD_RESET_MAX_REQUESTS", 5), 60,
                          "Too many reset requests for this email; try again in an hour.")


class PasswordResets:
    """Mixed into AccountsService."""

    @rpc
    def request_password_reset(self, data):
        """Always the same answer, whether the email belongs to someone or not."""
        email = load(PasswordResetRequestSchema(), data)["email"]
        RESET_THROTTLE.check(self.db, email=email)
        RESET_THROTTLE.record(self.db, email=email)
        user = self.db.scalar(select(User).where(User.email == email))
        if user is not None:
            token, expires_at = new_token(), utcnow() + RESET_TTL
            self.db.add(PasswordReset(token_hash=token_hash(token), user_id=user.id, expires_at=expires_at))
            reset_url = f"{config.public_url()}/app/reset/{token}"
            self.events(events.STAFF_PASSWORD_RESET_REQUESTED,
                        events.password_reset_payload(user, reset_url, iso(expires_at)),
                        actor=public(system_actor(user.org_id)))
        self.db.commit()
        return {"accepted": True}

    @rpc
    def get_password_reset(self, token):
        """For the reset page: whose link it is (404 unknown or used, 410 expired)."""
        reset, user = self._reset(token)
        return {"email": user.email, "expires_at": iso(reset.expires_at)}

    @rpc
    def reset_password(self, token, data):
        """Set the new password, end every other session, sign in: {token, user}."""
        password = load(PasswordResetSchema(), data)["password"]
        reset, user = self._reset(token)
        now = utcnow()
        user.password_hash = hash_password(password)
        # single use: this link and any other outstanding link of the user stop working
        self.db.execute(update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                    PasswordReset.used_at.is_(None)).values(used_at=now))
        self.db.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
        self.events(events.STAFF_SESSIONS_ENDED, events.sessions_ended_payload(user.id, "password_reset"),
                    org_id=user.org_id)
        self.db.execute(delete(LoginFailure).where(LoginFailure.email == user.email,
                                                   LoginFailure.kind == "login"))
        user.last_login_at = now
        session_token = self._issue_token(user)
        self.db.commit()
        return {"token": session_token, "user": user_dict(user)}

    def _reset(self, token):
        reset = self.db.get(PasswordReset, token_hash(token)) if token else None
        if reset is None or reset.used_at is not None:
            raise NotFound(code="reset_not_found",
                           message="This password reset link is not valid or has already been used.")
        if aware(reset.expires_at) <= utcnow():
            raise Gone(code="reset_expired", message="This password reset link has expired. Ask for a new one.")
        return reset, self.db.get(User, reset.user_id)
