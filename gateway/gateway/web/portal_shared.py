"""The public page of a forwarded invoice or quote: /portal/<portal_name>/shared/<token>.

No sign-in: the share link's token is the permission, read-only, until it expires.
"""
from flask import Blueprint, render_template

from portico_kit.errors import ServiceError

from ..calls import call
from .billing_forms import DOCS

bp = Blueprint("portal_shared", __name__, url_prefix="/portal/<portal_name>/shared")


@bp.get("/<token>")
def document(portal_name, token):
    portal = call("portal", "get_public_portal", portal_name)  # unknown portal: the 404 page
    try:
        shared = call("billing", "get_shared_document", portal_name, token)
    except ServiceError as exc:
        if exc.status != 410:
            raise
        return render_template("portal/billing/shared_expired.html", portal=portal), 410
    document = shared.get("document", shared)  # the document, with organization_id beside it
    return render_template("portal/billing/shared.html", portal=portal, document=document, doc=DOCS[document["type"]])
