"""The customer's own details: GET/PATCH /portal/<portal_name>/api/v1/profile (DESIGN.md flow 5).

The customers service decides: it checks the organization's `allow_profile_edit` on every write
(403 `profile_edit_disabled`) and which custom fields a customer may see and change.
"""
from flask import Blueprint, g, jsonify

from ..auth import portal_api
from ..calls import call, json_body

bp = Blueprint("api_portal_profile", __name__, url_prefix="/portal/<portal_name>/api/v1/profile")


def with_editable(profile):
    return dict(profile, editable=bool(g.portal["portal"]["features"].get("profile_edit")))


@bp.get("")
@portal_api
def get_profile(portal_name):
    return jsonify(with_editable(call("customers", "get_profile", g.actor)))


@bp.patch("")
@portal_api
def update_profile(portal_name):
    return jsonify(with_editable(call("customers", "update_profile", g.actor, json_body())))
