"""The public page of a forwarded invoice or quote: /portal/<portal_name>/shared/<token>.

No sign-in: the share link's token is the permission, read-only, until it expires or is ended.
The token alone says whose document it is: under a portal name that is not (or no longer) its
organization's, the page moves to that organization's portal, so a name another organization took
over never shows, or puts its own name on, someone else's document.
"""
from flask import Blueprint, redirect, render_template, url_for

from portico_kit.errors import ServiceError

from ..calls import call
from .billing_forms import DOCS

bp = Blueprint("portal_shared", __name__, url_prefix="/portal/<portal_name>/shared")


@bp.get("/<token>")
def document(portal_name, token):
    try:
        shared = call("billing", "get_shared_document", portal_name, token)
    except ServiceError as exc:
        if exc.status != 410:
            raise
        # no organization's name here: which one it was is exactly what an ended link must not tell
        return render_template("portal/billing/shared_ended.html", portal=None, code=exc.code), 410
    own = shared.get("portal_name") or portal_name
    if own.lower() != portal_name.lower():
        return redirect(url_for("portal_shared.document", portal_name=own, token=token))
    portal = call("portal", "get_public_portal", own)
    document = shared.get("document", shared)  # the document, with organization_id beside it
    return render_template("portal/billing/shared.html", portal=portal, document=document, doc=DOCS[document["type"]])
