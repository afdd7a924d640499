"""Portal preferences (FEATURES.md A4)."""
from flask import Blueprint, g, jsonify

from ..auth import staff_api
from ..calls import call, json_body

bp = Blueprint("api_settings", __name__, url_prefix="/api/v1/settings")


@bp.get("/portal")
@staff_api
def get_portal_settings():
    return jsonify(call("portal", "get_preferences", g.actor))


@bp.put("/portal")
@staff_api
def put_portal_settings():
    return jsonify(call("portal", "update_preferences", g.actor, json_body()))
