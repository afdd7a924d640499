"""The outbound email log."""
from flask import Blueprint, g, jsonify, request

from ..auth import staff_api
from ..calls import call, page_args

bp = Blueprint("api_notifications", __name__, url_prefix="/api/v1/notifications")


@bp.get("")
@staff_api
def list_notifications():
    page, per_page = page_args()
    return jsonify(call("notifications", "list_messages", g.actor, page, per_page,
                        request.args.get("status") or None, request.args.get("kind") or None))


@bp.post("/<message_id>/retry")
@staff_api
def retry_notification(message_id):
    """Send a failed email again."""
    return jsonify(call("notifications", "retry_message", g.actor, message_id))
