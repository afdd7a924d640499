"""The portal activity log and the contacts' last sign-ins (staff)."""
from flask import Blueprint, g, jsonify, request

from ..auth import staff_api
from ..calls import call, page_args

bp = Blueprint("api_activity", __name__, url_prefix="/api/v1/portal")


@bp.get("/activity")
@staff_api
def activity():
    page, per_page = page_args()
    args = request.args
    return jsonify(call("portal", "list_activity", g.actor, args.get("from") or None, args.get("to") or None,
                        page, per_page, args.get("kind") or None, args.get("customer_id") or None))


@bp.get("/sign-ins")
@staff_api
def sign_ins():
    page, per_page = page_args()
    return jsonify(call("portal", "list_sign_ins", g.actor, page, per_page))
