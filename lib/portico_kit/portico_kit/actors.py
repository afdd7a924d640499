"""Who is calling. Every RPC that touches tenant data takes the actor explicitly.

staff:    {"kind": "staff", "org_id", "user_id", "name", "email"}
customer: {"kind": "customer", "org_id", "customer_id", "contact_id", "name", "email"}
system:   {"kind": "system", "org_id", "name"}  (a service acting on its own, e.g. a timer)
"""
from .errors import Forbidden, Unauthorized

KINDS = ("staff", "customer", "system")


def org_of(actor):
    if not isinstance(actor, dict) or actor.get("kind") not in KINDS or not actor.get("org_id"):
        raise Unauthorized(message="The caller is not identified.")
    return actor["org_id"]


def require_staff(actor):
    """Staff, or a service acting for the organization (a `system` actor: notifications reading
    preferences, say). Only services build system actors; the gateway never does."""
    org_id = org_of(actor)
    if actor["kind"] not in ("staff", "system"):
        raise Forbidden(message="Only staff can do that.")
    return org_id


def system_actor(org_id, name="Portico"):
    return {"kind": "system", "org_id": org_id, "name": name}


def require_customer(actor):
    org_id = org_of(actor)
    if actor["kind"] != "customer" or not actor.get("customer_id"):
        raise Forbidden(message="Only a signed-in customer can do that.")
    return org_id


def public(actor):
    """The part of an actor that may travel on events and be shown to people."""
    if not actor:
        return None
    keep = ("kind", "org_id", "user_id", "customer_id", "contact_id", "name", "email")
    return {k: actor[k] for k in keep if actor.get(k) is not None}
