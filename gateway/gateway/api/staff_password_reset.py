"""Staff password reset: /api/v1/password-reset[/<token>] (no auth: the emailed link is the proof)."""
from flask import Blueprint, jsonify

from ..calls import call, json_body

bp = Blueprint("api_staff_password_reset", __name__, url_prefix="/api/v1/password-reset")

# the same words whether or not the email belongs to anyone (no account enumeration)
ACCEPTED = "If this email belongs to a Portico account, a link to choose a new password is on its way."


@bp.post("")
def request_reset():
    call("accounts", "request_password_reset", json_body())
    return jsonify({"accepted": True, "message": ACCEPTED}), 202


@bp.post("/<token>")
def reset(token):
    return jsonify(call("accounts", "reset_password", token, json_body()))
