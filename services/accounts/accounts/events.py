"""Events accounts publishes (through its outbox). It consumes none."""
from .schemas import organization_dict

ORGANIZATION_CREATED = "organization_created"
ORGANIZATION_UPDATED = "organization_updated"
USER_CREATED = "user_created"


def organization_payload(org):
    return {"organization": organization_dict(org)}


def user_payload(user):
    return {"user": {"id": user.id, "name": user.name, "email": user.email, "role": user.role}}

