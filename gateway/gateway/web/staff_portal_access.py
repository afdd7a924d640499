"""Staff actions on a customer's portal access (the "Portal access" section of the customer page):
enable for all or chosen contacts, re-send, disable the customer, disable or enable one contact."""
from datetime import datetime, timezone

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call

bp = Blueprint("staff_portal_access", __name__, url_prefix="/app/customers/<customer_id>/portal")

CUSTOMER_ACTIONS = {"enable": "enable_portal", "disable": "disable_portal", "invite": "resend_invitations"}
CONTACT_ACTIONS = {"enable": "enable_contact", "disable": "disable_contact"}


@bp.app_template_filter("past")
def past(value):
    """An ISO timestamp that has gone by (an invitation's expiry, say)."""
    if not value:
        return False
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) <= datetime.now(timezone.utc)


def back(customer_id):
    return redirect(url_for("staff_customers.customer", customer_id=customer_id) + "#portal-heading")


def chosen_contacts():
    """The ticked contacts, or None when none is ticked (everyone with an email)."""
    return [c for c in request.form.getlist("contact_ids") if c] or None


def run(method, *args):
    """The call's result, or None after flashing why it was refused (404 and 5xx go to the error page)."""
    try:
        return call("portal", method, *args)
    except ServiceError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(exc.message, "error")
        return None


def skipped_note(result):
    return " ".join(s["reason"] for s in result.get("skipped") or [])


@bp.post("/<action>")
@staff_page
def customer_portal(customer_id, action):
    if action not in CUSTOMER_ACTIONS:
        return back(customer_id)
    args = (g.actor, customer_id) if action == "disable" else (g.actor, customer_id, chosen_contacts())
    result = run(CUSTOMER_ACTIONS[action], *args)
    if result is None:
        return back(customer_id)
    if action == "disable":
        flash(gettext("Portal access disabled. The customer's sessions have ended."))
    elif result.get("invited"):
        flash(f"{gettext('Invitation sent to %(emails)s.', emails=', '.join(result['invited']))} {skipped_note(result)}".strip())
    elif action == "enable":
        flash(f"{gettext('Portal access enabled. No one new to invite.')} {skipped_note(result)}".strip())
    else:
        flash(f"{gettext('No invitation sent: the chosen contacts have already set a password.')} {skipped_note(result)}".strip())
    return back(customer_id)


@bp.post("/contacts/<contact_id>/<action>")
@staff_page
def contact_portal(customer_id, contact_id, action):
    if action not in CONTACT_ACTIONS:
        return back(customer_id)
    result = run(CONTACT_ACTIONS[action], g.actor, customer_id, contact_id)
    if result is not None:
        email = result["contact"]["email"]
        if action == "disable":
            flash(gettext("Portal access disabled for %(email)s. Their sessions have ended.", email=email))
        elif result.get("invited"):
            flash(gettext("Portal access enabled for %(email)s. Invitation sent.", email=email))
        else:
            flash(gettext("Portal access enabled for %(email)s. They can sign in again.", email=email))
    return back(customer_id)
