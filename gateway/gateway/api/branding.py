"""Branding settings (logo, accent colour, PDF attachments, Factur-X) and the public logo."""
import base64

from flask import Blueprint, Response, abort, g, jsonify, request

from portico_kit.errors import NotFound

from ..auth import staff_api
from ..calls import call, json_body

bp = Blueprint("api_branding", __name__)
MAX_UPLOAD = 5 * 1024 * 1024  # read this much, so an image just over 1 MB gets invalid_image, not 413


@bp.get("/api/v1/settings/branding")
@staff_api
def get_branding():
    return jsonify(call("accounts", "get_branding", g.actor))


@bp.put("/api/v1/settings/branding")
@staff_api
def put_branding():
    return jsonify(call("accounts", "update_branding", g.actor, json_body()))


@bp.put("/api/v1/settings/branding/logo")
@staff_api
def put_logo():
    """The image itself is the body (image/png or image/jpeg); its content decides, not its name."""
    request.max_content_length = MAX_UPLOAD
    return jsonify(call("accounts", "set_logo", g.actor, base64.b64encode(request.get_data()).decode("ascii")))


@bp.delete("/api/v1/settings/branding/logo")
@staff_api
def delete_logo():
    return jsonify(call("accounts", "delete_logo", g.actor))


@bp.get("/branding/<org_id>/logo/<version>")
def logo(org_id, version):
    """Public (emails and the portal's sign-in page show it). The URL names the content, so a
    matching version may be cached for good; a stale one gets the current logo, briefly cached."""
    try:
        found = call("accounts", "get_logo", org_id)
    except NotFound:
        abort(404)
    response = Response(base64.b64decode(found["content_base64"]), mimetype=found["content_type"])
    fresh = found["sha256"].startswith(version)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if fresh else "public, max-age=300"
    return response
