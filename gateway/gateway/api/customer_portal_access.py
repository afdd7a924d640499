"""Portal access of one contact person (staff): /api/v1/customers/{id}/portal/contacts/{contact_id}/...

Enabling, disabling and re-sending for the whole customer live with the customer routes
(api/customers.py); both check `contact_ids` the same way, here.
"""
from flask import Blueprint, g, jsonify

from ..auth import staff_api
from ..calls import call
from ..errors import ApiError

bp = Blueprint("api_customer_portal_access", __name__, url_prefix="/api/v1/customers/<customer_id>/portal")


def contact_ids_of(body):
    """`contact_ids` of a request body: None (everyone) or a non-empty list of id strings."""
    contact_ids = body.get("contact_ids")
    if contact_ids is not None and not (isinstance(contact_ids, list)
                                        and all(isinstance(c, str) and c for c in contact_ids)):
        raise ApiError(422, "validation_failed", "contact_ids must be a list of contact ids.",
                       {"contact_ids": "Must be a list of strings."})
    unknown = set(body) - {"contact_ids"}
    if unknown:
        raise ApiError(422, "validation_failed", "Unknown fields.",
                       {name: "Unknown field." for name in sorted(unknown)})
    return contact_ids or None


@bp.post("/contacts/<contact_id>/disable")
@staff_api
def disable_contact(customer_id, contact_id):
    return jsonify(call("portal", "disable_contact", g.actor, customer_id, contact_id))


@bp.post("/contacts/<contact_id>/enable")
@staff_api
def enable_contact(customer_id, contact_id):
    return jsonify(call("portal", "enable_contact", g.actor, customer_id, contact_id))
