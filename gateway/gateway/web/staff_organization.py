"""Settings → Organization: the company profile printed on documents and used for dates and money
(name, email, phone, address, default currency, time zone)."""
from zoneinfo import available_timezones

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call
from .customer_forms import address_from_form
from .forms import field_errors, optional

bp = Blueprint("staff_organization", __name__, url_prefix="/app/settings")
TIMEZONES = sorted(available_timezones())


def organization_from_form(form):
    """The PATCH body. Blank email/phone clear them; a blank address removes it."""
    return {"name": (form.get("name") or "").strip(), "email": optional(form, "email"),
            "phone": optional(form, "phone"), "address": address_from_form(form, "address"),
            "currency": (form.get("currency") or "").strip().upper(),
            "timezone": (form.get("timezone") or "").strip(), "tax_id": optional(form, "tax_id"),
            "payment_instructions": optional(form, "payment_instructions")}


@bp.route("/organization", methods=["GET", "POST"])
@staff_page
def organization():
    errors = {}
    org = call("accounts", "get_organization", g.actor)
    if request.method == "POST":
        body = organization_from_form(request.form)
        try:
            call("accounts", "update_organization", g.actor, body)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = field_errors(exc)
            org = dict(org, **body)  # show what they typed, next to the errors
        else:
            flash(gettext("Organization profile saved."))
            return redirect(url_for("staff_organization.organization"))
    return (render_template("staff/organization.html", org=org, errors=errors, timezones=TIMEZONES),
            422 if errors else 200)
