"""Staff pages: a customer's contact persons (a panel on the customer page; add, edit, remove)."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call
from .forms import checkbox, field_errors, optional
from .panels import customer_panel

bp = Blueprint("staff_customers_contacts", __name__, url_prefix="/app/customers/<customer_id>/contacts")


def contact_from_form(form):
    body = {"first_name": (form.get("first_name") or "").strip()}
    for name in ("last_name", "email", "phone"):
        body[name] = optional(form, name)
    if checkbox(form, "is_primary"):
        body["is_primary"] = True  # a primary contact stops being one only when another takes over
    return body


def back_to(customer_id):
    return redirect(url_for("staff_customers.customer", customer_id=customer_id) + "#contacts-heading")


@bp.route("/new", methods=["GET", "POST"])
@staff_page
def add_contact(customer_id):
    customer = call("customers", "get_customer", g.actor, customer_id)
    form, errors = {}, {}
    if request.method == "POST":
        form = contact_from_form(request.form)
        try:
            contact = call("customers", "create_contact", g.actor, customer_id, form)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:
                raise
            errors = field_errors(exc)
        else:
            flash(gettext("%(name)s added.", name=contact["name"]))
            return back_to(customer_id)
    return render_template("staff/customers/contact.html", customer=customer, contact=None, form=form,
                           errors=errors), 422 if errors else 200


@bp.route("/<contact_id>", methods=["GET", "POST"])
@staff_page
def edit_contact(customer_id, contact_id):
    customer = call("customers", "get_customer", g.actor, customer_id)
    contact = next((c for c in customer["contacts"] if c["id"] == contact_id), None)
    if contact is None:
        return render_template("errors/error.html", status=404, title="Not found",
                               message=gettext("This contact person does not exist.")), 404
    form, errors = contact, {}
    if request.method == "POST":
        form = contact_from_form(request.form)
        try:
            call("customers", "update_contact", g.actor, customer_id, contact_id, form)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:
                raise
            errors = field_errors(exc)
        else:
            flash(gettext("%(name)s saved.", name=form["first_name"]))
            return back_to(customer_id)
    return render_template("staff/customers/contact.html", customer=customer, contact=contact, form=form,
                           errors=errors), 422 if errors else 200


@bp.post("/<contact_id>/remove")
@staff_page
def remove_contact(customer_id, contact_id):
    try:
        call("customers", "delete_contact", g.actor, customer_id, contact_id)
    except ServiceError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(gettext("Contact person removed."))
    return back_to(customer_id)


@customer_panel("staff/customers/contacts_panel.html", order=20)
def contacts_panel(actor, customer):
    return {"customer": customer, "contacts": customer.get("contacts") or []}
