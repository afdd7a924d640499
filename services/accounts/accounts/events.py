"""Events accounts publishes (through its outbox). It consumes none."""
from .schemas import organization_dict

ORGANIZATION_CREATED = "organization_created"
ORGANIZATION_UPDATED = "organization_updated"
USER_CREATED = "user_created"
STAFF_PASSWORD_RESET_REQUESTED = "staff_password_reset_requested"
# tokens stopped working (logout, password reset): the gateway evicts its cached actors at once
STAFF_SESSIONS_ENDED = "staff_sessions_ended"
USER_UPDATED = "user_updated"  # own name or language (the gateway's cached actor shows them)


def sessions_ended_payload(user_id, reason):
    return {"user": {"id": user_id}, "reason": reason}


def organization_payload(org, branding=None):
    """The organization with its branding (logo URL, accent colour): the portal shows them."""
    return {"organization": organization_dict(org, branding)}


def user_payload(user):
    return {"user": {"id": user.id, "name": user.name, "email": user.email, "role": user.role}}


def user_updated_payload(user):
    return {"user": dict(user_payload(user)["user"], language=user.language)}


def password_reset_payload(user, reset_url, expires_at):
    # the user's own language, else the organization's: the email speaks it
    return {"user": {"id": user.id, "name": user.name, "email": user.email,
                     "language": user.language or user.organization.language or "en"},
            "organization": {"id": user.organization.id, "name": user.organization.name},
            "reset_url": reset_url, "expires_at": expires_at}
