"""The organization's accent colour as a stylesheet for its portal (pages allow no inline styles)."""
import re

from flask import Blueprint, Response

from ..calls import call

bp = Blueprint("portal_branding", __name__, url_prefix="/portal/<portal_name>")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@bp.get("/branding.css")
def stylesheet(portal_name):
    accent = (call("portal", "get_public_portal", portal_name).get("branding") or {}).get("accent_color") or ""
    css = ""
    if COLOUR.match(accent):  # checked on save; checked again, as it goes into a stylesheet
        css = (f":root {{ --brand: {accent}; }}\n"
               f".portal .topbar {{ border-block-start: 4px solid {accent}; }}\n")
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"  # the page links it by colour: a change shows at once
    return response
