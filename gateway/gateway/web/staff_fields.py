"""Settings → Custom fields: the fields every customer of the organization has."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_

from ..auth import staff_page
from ..calls import call
from .customer_forms import options_from_text
from .forms import checkbox, field_errors

bp = Blueprint("staff_fields", __name__, url_prefix="/app/settings/custom-fields")

TYPES = (("text", N_("Text")), ("number", N_("Number")), ("date", N_("Date")), ("dropdown", N_("Dropdown")))


def definition_from_form(form, new, type_=None):
    """The definition's input; options only for a dropdown (the add form shows the box for all)."""
    body = {"label": (form.get("label") or "").strip(),
            "show_in_portal": checkbox(form, "show_in_portal"),
            "editable_in_portal": checkbox(form, "editable_in_portal")}
    if new:
        body["key"] = (form.get("key") or "").strip()
        body["type"] = form.get("type") or ""
    if (body["type"] if new else type_) == "dropdown":
        body["options"] = options_from_text(form.get("options"))
    return body


def form_errors(exc):
    """Field errors, with a problem of one option (options.2) shown at the options box."""
    errors = field_errors(exc)
    for name in [k for k in errors if k.startswith("options.")]:
        message = errors.pop(name)
        index = name.split(".")[1]
        errors.setdefault("options", f"Option {int(index) + 1}: {message}" if index.isdigit() else message)
    return errors


def options_text(form):
    options = form.get("options")
    return "\n".join(options) if isinstance(options, list) else (options or "")


@bp.route("", methods=["GET", "POST"])
@staff_page
def custom_fields():
    form, errors = {"type": "text"}, {}
    if request.method == "POST":
        body = definition_from_form(request.form, new=True)
        try:
            created = call("customers", "create_custom_field", g.actor, body)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors, form = form_errors(exc), dict(body, options=request.form.get("options", ""))
        else:
            flash(gettext("“%(label)s” added to every customer.", label=created["label"]))
            return redirect(url_for("staff_fields.custom_fields"))
    definitions = call("customers", "list_custom_fields", g.actor)
    return render_template("staff/custom_fields.html", definitions=definitions, form=form, errors=errors,
                           types=TYPES, options_text=options_text(form)), 422 if errors else 200


@bp.route("/<key>", methods=["GET", "POST"])
@staff_page
def custom_field(key):
    definitions = call("customers", "list_custom_fields", g.actor)
    definition = next((d for d in definitions if d["key"] == key), None)
    if definition is None:
        return render_template("errors/error.html", status=404, title="Not found",
                               message=gettext("There is no custom field with this key.")), 404
    form, errors = definition, {}
    if request.method == "POST":
        body = definition_from_form(request.form, new=False, type_=definition["type"])
        try:
            call("customers", "update_custom_field", g.actor, key, body)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:
                raise
            errors, form = form_errors(exc), dict(definition, **dict(body, options=request.form.get("options", "")))
        else:
            flash(gettext("“%(label)s” saved.", label=body["label"] or definition["label"]))
            return redirect(url_for("staff_fields.custom_fields"))
    return render_template("staff/custom_field.html", definition=definition, form=form, errors=errors,
                           types=dict(TYPES), options_text=options_text(form)), 422 if errors else 200


@bp.post("/<key>/delete")
@staff_page
def delete_custom_field(key):
    call("customers", "delete_custom_field", g.actor, key)
    flash(gettext("Custom field removed, with every customer's value for it."))
    return redirect(url_for("staff_fields.custom_fields"))
