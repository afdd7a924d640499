"""Staff ending a share link from a document's page ("Forwarded to" section)."""
from flask import Blueprint, abort, flash, g, redirect, url_for

from ..auth import staff_page
from ..calls import call

bp = Blueprint("staff_share_links", __name__, url_prefix="/app")


@bp.post("/<any(invoice, quote):doc_type>s/<doc_id>/share-links/<link_id>/revoke")
@staff_page
def revoke(doc_type, doc_id, link_id):
    if doc_type not in ("invoice", "quote"):
        abort(404)
    link = call("billing", "revoke_share_link", g.actor, doc_type, doc_id, link_id)
    flash(f"The link sent to {link['recipient']['email']} no longer works.")
    return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": doc_id}) + "#share-links-heading")
