"""The customer portal's JSON API: /portal/<portal_name>/api/v1/..."""
from flask import Blueprint, g, jsonify

from ..auth import portal_api
from ..calls import bearer_token, call, json_body
from ..client_address import client_address

bp = Blueprint("api_portal", __name__, url_prefix="/portal/<portal_name>/api/v1")


@bp.post("/login")
def login(portal_name):
    return jsonify(call("portal", "login", portal_name, json_body(), client_address()))


@bp.post("/invitations/<token>/accept")
def accept_invitation(portal_name, token):
    return jsonify(call("portal", "accept_invitation", portal_name, token, json_body()))


@bp.post("/logout")
@portal_api
def logout(portal_name):
    return jsonify(call("portal", "logout", bearer_token()))


@bp.get("/me")
@portal_api
def me(portal_name):
    customer = call("customers", "get_customer", g.actor, g.actor["customer_id"])
    portal = g.portal["portal"]
    return jsonify({
        "customer": customer,
        "contact": g.portal["contact"],
        "portal": {"name": portal["name"], "url": portal["url"], "banner_message": portal["banner_message"],
                   "organization_name": portal["organization_name"], "features": portal["features"]},
    })
