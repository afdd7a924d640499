"""Staff sign-up, sign-in and the organization's profile."""
from flask import Blueprint, g, jsonify

from ..auth import staff_api
from ..calls import bearer_token, call, json_body
from ..client_address import client_address

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")


@bp.post("/signup")
def signup():
    result = call("accounts", "signup", json_body())
    return jsonify(result), 201


@bp.post("/login")
def login():
    return jsonify(call("accounts", "login", json_body(), client_address()))


@bp.post("/logout")
@staff_api
def logout():
    return jsonify(call("accounts", "logout", bearer_token()))


@bp.get("/organization")
@staff_api
def get_organization():
    return jsonify(call("accounts", "get_organization", g.actor))


@bp.patch("/organization")
@staff_api
def update_organization():
    return jsonify(call("accounts", "update_organization", g.actor, json_body()))


@bp.get("/profile")
@staff_api
def get_profile():
    """The signed-in staff user's own details and language."""
    return jsonify(call("accounts", "get_profile", g.actor))


@bp.patch("/profile")
@staff_api
def update_profile():
    return jsonify(call("accounts", "update_profile", g.actor, json_body()))
