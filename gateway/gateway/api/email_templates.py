"""Email templates (one per kind and language per organization): list, read, save, preview, reset.

`?language=de` (or `language` in the body of PUT and preview) picks the language; without it,
the organization's."""
from flask import Blueprint, g, jsonify, request

from ..auth import staff_api
from ..calls import call, json_body

bp = Blueprint("api_email_templates", __name__, url_prefix="/api/v1/settings/email-templates")


def language_arg():
    """[language] when the request names one, else [] (the service takes the organization's)."""
    language = request.args.get("language")
    return [language] if language else []


def body_with_language(body):
    if isinstance(body, dict) and request.args.get("language") and "language" not in body:
        body = dict(body, language=request.args["language"])
    return body


@bp.get("")
@staff_api
def list_templates():
    return jsonify(call("notifications", "list_templates", g.actor, *language_arg()))


@bp.get("/<kind>")
@staff_api
def get_template(kind):
    return jsonify(call("notifications", "get_template", g.actor, kind, *language_arg()))


@bp.put("/<kind>")
@staff_api
def put_template(kind):
    return jsonify(call("notifications", "update_template", g.actor, kind, body_with_language(json_body())))


@bp.post("/<kind>/preview")
@staff_api
def preview_template(kind):
    return jsonify(call("notifications", "preview_template", g.actor, kind,
                        body_with_language(json_body(allow_empty=True))))


@bp.post("/<kind>/reset")
@staff_api
def reset_template(kind):
    return jsonify(call("notifications", "reset_template", g.actor, kind, *language_arg()))
