"""Portal contacts' password reset: /portal/<portal_name>/api/v1/password-reset[/<token>]."""
from flask import Blueprint, jsonify

from ..calls import call, json_body

bp = Blueprint("api_portal_password_reset", __name__, url_prefix="/portal/<portal_name>/api/v1/password-reset")

# the same words whether or not the email belongs to anyone (no account enumeration)
ACCEPTED = "If this email belongs to a portal account, a link to choose a new password is on its way."


@bp.post("")
def request_reset(portal_name):
    call("portal", "request_password_reset", portal_name, json_body())
    return jsonify({"accepted": True, "message": ACCEPTED}), 202


@bp.post("/<token>")
def reset(portal_name, token):
    return jsonify(call("portal", "reset_password", portal_name, token, json_body()))
