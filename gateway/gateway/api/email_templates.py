"""Email templates (one per kind per organization): list, read, save, preview, reset."""
from flask import Blueprint, g, jsonify

from ..auth import staff_api
from ..calls import call, json_body

bp = Blueprint("api_email_templates", __name__, url_prefix="/api/v1/settings/email-templates")


@bp.get("")
@staff_api
def list_templates():
    return jsonify(call("notifications", "list_templates", g.actor))


@bp.get("/<kind>")
@staff_api
def get_template(kind):
    return jsonify(call("notifications", "get_template", g.actor, kind))


@bp.put("/<kind>")
@staff_api
def put_template(kind):
    return jsonify(call("notifications", "update_template", g.actor, kind, json_body()))


@bp.post("/<kind>/preview")
@staff_api
def preview_template(kind):
    return jsonify(call("notifications", "preview_template", g.actor, kind, json_body(allow_empty=True)))


@bp.post("/<kind>/reset")
@staff_api
def reset_template(kind):
    return jsonify(call("notifications", "reset_template", g.actor, kind))
