"""Staff pages for the customer book: list, create (with portal access), detail.

The portal access actions of the customer page are in staff_portal_access.py."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..api.customers import create_with_portal
from ..auth import staff_page
from ..calls import call
from .customer_forms import new_customer_extras
from .forms import checkbox, field_errors, optional
from .panels import CUSTOMER_PANELS, render_panels

bp = Blueprint("staff_customers", __name__, url_prefix="/app")


# -- customers ----------------------------------------------------------------------------------

@bp.get("/customers")
@staff_page
def customers():
    search = request.args.get("search", "").strip()
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    result = call("customers", "list_customers", g.actor, search or None, page, 25)
    if result["items"]:
        enabled = call("portal", "get_portal_access_many", g.actor, [c["id"] for c in result["items"]])
        for item in result["items"]:
            item["portal_enabled"] = enabled.get(item["id"], False)
    return render_template("staff/customers.html", result=result, search=search)


@bp.route("/customers/new", methods=["GET", "POST"])
@staff_page
def new_customer():
    form, errors, extras = {}, {}, {}
    definitions = call("customers", "list_custom_fields", g.actor)
    if request.method == "POST":
        form = request.form
        body = {"display_name": form.get("display_name", "")}
        for name in ("company_name", "email", "phone"):
            if optional(form, name):
                body[name] = optional(form, name)
        extras = new_customer_extras(form, definitions)
        body.update(extras, enable_portal=checkbox(form, "enable_portal"))
        try:
            customer = create_with_portal(g.actor, body)
        except ServiceError as exc:
            errors = field_errors(exc)
        else:
            portal = customer["portal"]
            if portal.get("invited"):
                flash(gettext("Customer created. Portal invitation sent to %(emails)s.", emails=", ".join(portal["invited"])))
            elif portal.get("error"):
                flash(gettext("Customer created, but the portal is not enabled: %(reason)s", reason=portal["error"]["message"]))
            else:
                flash(gettext("Customer created."))
            return redirect(url_for("staff_customers.customer", customer_id=customer["id"]))
    return render_template("staff/customer_new.html", form=form, errors=errors, extras=extras,
                           definitions=definitions), 422 if errors else 200


@bp.get("/customers/<customer_id>")
@staff_page
def customer(customer_id):
    record = call("customers", "get_customer", g.actor, customer_id)
    access = call("portal", "get_portal_access", g.actor, customer_id)
    statuses = {c["contact_id"]: c for c in access["contacts"]}
    return render_template("staff/customer.html", customer=record, access=access, statuses=statuses,
                           panels=render_panels(CUSTOMER_PANELS, g.actor, record))
