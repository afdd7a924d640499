"""Customers, contact persons and their portal access (flow 1 of DESIGN.md)."""
from flask import Blueprint, g, jsonify, request

from portico_kit.errors import ServiceError

from ..auth import staff_api
from ..calls import call, json_body, page_args
from ..errors import ApiError
from ..idempotency import request_key

bp = Blueprint("api_customers", __name__, url_prefix="/api/v1/customers")


def with_portal(customer):
    access = call("portal", "get_portal_access", g.actor, customer["id"])
    return dict(customer, portal=access)


def create_with_portal(actor, body, idempotency_key=None):
    """Create a customer, and enable its portal when asked. Shared by the API and the staff app.

    Without an email there is no portal: refused before anything is created. With the request's
    Idempotency-Key the customers service makes the customer once, however often the create is
    retried (its first answer may have been lost: a 503 or 504 that in fact created it); a retry
    then enables the portal only if the first attempt did not, so nobody is invited twice.
    """
    enable = body.pop("enable_portal", False)
    if not isinstance(enable, bool):
        raise ApiError(422, "validation_failed", "enable_portal must be true or false.",
                       {"enable_portal": "Must be true or false."})
    if enable and not (isinstance(body.get("email"), str) and body["email"].strip()):
        raise ApiError(422, "email_required", "A customer needs an email address to get portal access.",
                       {"email": "Required to enable the portal."})
    keyed = (idempotency_key,) if idempotency_key is not None else ()
    customer = call("customers", "create_customer", actor, body, *keyed)
    result = dict(customer, portal={"enabled": False, "contacts": []})
    if enable:
        result["portal"] = (keyed and portal_already_on(actor, customer["id"])) \
            or enable_portal_truthfully(actor, customer["id"])
    return result


def portal_already_on(actor, customer_id):
    """The portal access of a customer whose portal is on already (a retried create), else None."""
    try:
        access = call("portal", "get_portal_access", actor, customer_id)
    except ServiceError:
        return None
    return access if access.get("enabled") else None


def enable_portal_truthfully(actor, customer_id):
    """The customer exists; enable its portal and report what really happened. A call that failed
    on the way (broker restart, timeout) may still have enabled it and sent the invitations, so
    the state is read back before anything is called an error."""
    try:
        enabled = call("portal", "enable_portal", actor, customer_id, None)
    except ServiceError as exc:
        enabled, failure = None, exc
    try:
        access = call("portal", "get_portal_access", actor, customer_id)
    except ServiceError:
        access = None
    if enabled is not None:
        return dict(access or {"enabled": True, "contacts": []}, invited=enabled["invited"])
    if access and access.get("enabled"):  # it happened; only its answer was lost
        return access
    # not on, or not known: say why, so staff can enable it later
    return dict(access or {"enabled": False, "contacts": []}, error=failure.to_dict()["error"])


@bp.get("")
@staff_api
def list_customers():
    page, per_page = page_args()
    result = call("customers", "list_customers", g.actor, request.args.get("search") or None, page, per_page)
    if result["items"]:
        enabled = call("portal", "get_portal_access_many", g.actor, [c["id"] for c in result["items"]])
        for item in result["items"]:
            item["portal"] = {"enabled": enabled.get(item["id"], False)}
    return jsonify(result)


@bp.post("")
@staff_api
def create_customer():
    return jsonify(create_with_portal(g.actor, json_body(), request_key())), 201


@bp.get("/<customer_id>")
@staff_api
def get_customer(customer_id):
    return jsonify(with_portal(call("customers", "get_customer", g.actor, customer_id)))


@bp.patch("/<customer_id>")
@staff_api
def update_customer(customer_id):
    return jsonify(with_portal(call("customers", "update_customer", g.actor, customer_id, json_body())))


@bp.delete("/<customer_id>")
@staff_api
def delete_customer(customer_id):
    return jsonify(call("customers", "delete_customer", g.actor, customer_id))


@bp.get("/<customer_id>/contacts")
@staff_api
def list_contacts(customer_id):
    items = call("customers", "list_contacts", g.actor, customer_id)
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@bp.post("/<customer_id>/contacts")
@staff_api
def create_contact(customer_id):
    return jsonify(call("customers", "create_contact", g.actor, customer_id, json_body())), 201


@bp.patch("/<customer_id>/contacts/<contact_id>")
@staff_api
def update_contact(customer_id, contact_id):
    return jsonify(call("customers", "update_contact", g.actor, customer_id, contact_id, json_body()))


@bp.delete("/<customer_id>/contacts/<contact_id>")
@staff_api
def delete_contact(customer_id, contact_id):
    return jsonify(call("customers", "delete_contact", g.actor, customer_id, contact_id))


@bp.post("/<customer_id>/portal/enable")
@staff_api
def enable_portal(customer_id):
    body = json_body(allow_empty=True)
    contact_ids = body.get("contact_ids")
    if contact_ids is not None and not (isinstance(contact_ids, list)
                                        and all(isinstance(c, str) for c in contact_ids)):
        raise ApiError(422, "validation_failed", "contact_ids must be a list of contact ids.",
                       {"contact_ids": "Must be a list of strings."})
    return jsonify(call("portal", "enable_portal", g.actor, customer_id, contact_ids or None))


@bp.post("/<customer_id>/portal/disable")
@staff_api
def disable_portal(customer_id):
    return jsonify(call("portal", "disable_portal", g.actor, customer_id))


@bp.post("/<customer_id>/portal/invite")
@staff_api
def resend_invitations(customer_id):
    from .customer_portal_access import contact_ids_of  # the per-contact portal routes live there
    contact_ids = contact_ids_of(json_body(allow_empty=True))
    return jsonify(call("portal", "resend_invitations", g.actor, customer_id, contact_ids))
