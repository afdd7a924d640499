"""Staff pages: edit a customer (details, addresses, custom fields) and delete one."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call
from .customer_forms import address_from_form, custom_values_from_form
from .forms import field_errors, optional
from .panels import customer_panel

bp = Blueprint("staff_customers_edit", __name__, url_prefix="/app/customers/<customer_id>")

TEXT_FIELDS = ("company_name", "email", "phone", "website", "notes")


def customer_from_form(form, definitions, customer):
    body = {"display_name": (form.get("display_name") or "").strip()}
    for name in TEXT_FIELDS:
        body[name] = optional(form, name)  # blank clears it
    if optional(form, "currency"):
        body["currency"] = optional(form, "currency").upper()
    for prefix in ("billing_address", "shipping_address"):
        body[prefix] = address_from_form(form, prefix)
    values = custom_values_from_form(form, definitions, customer["custom_fields"])
    if values:
        body["custom_fields"] = values
    return body


@bp.route("/edit", methods=["GET", "POST"])
@staff_page
def edit_customer(customer_id):
    customer = call("customers", "get_customer", g.actor, customer_id)
    definitions = call("customers", "list_custom_fields", g.actor)
    form, errors = dict(customer), {}
    if request.method == "POST":
        body = customer_from_form(request.form, definitions, customer)
        try:
            call("customers", "update_customer", g.actor, customer_id, body)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:
                raise
            errors = field_errors(exc)
            form = dict(body, custom_fields=dict(customer["custom_fields"], **body.get("custom_fields", {})))
        else:
            flash(gettext("Customer saved."))
            return redirect(url_for("staff_customers.customer", customer_id=customer_id))
    return render_template("staff/customers/edit.html", customer=customer, form=form, errors=errors,
                           definitions=definitions), 422 if errors else 200


@bp.route("/delete", methods=["GET", "POST"])
@staff_page
def delete_customer(customer_id):
    customer = call("customers", "get_customer", g.actor, customer_id)
    if request.method == "GET":
        return render_template("staff/customers/delete.html", customer=customer)
    try:
        call("customers", "delete_customer", g.actor, customer_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        # has documents (409) or billing could not say (503): the customer stays; say why
        flash(exc.message, "error")
        return redirect(url_for("staff_customers.customer", customer_id=customer_id))
    flash(gettext("%(name)s deleted.", name=customer["display_name"]))
    return redirect(url_for("staff_customers.customers"))


@customer_panel("staff/customers/custom_fields_panel.html", order=10)
def custom_fields_panel(actor, customer):
    definitions = call("customers", "list_custom_fields", actor)
    if not definitions:
        return None
    return {"definitions": definitions, "values": customer.get("custom_fields") or {}, "customer": customer}
