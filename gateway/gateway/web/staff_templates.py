"""Settings → Email templates: every kind of email, edited, previewed with sample data, reset."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call
from .forms import field_errors


def translated(text):
    """A label the notifications service sends in English (marked there), in the reader's language."""
    return gettext(text) if text else text


bp = Blueprint("staff_templates", __name__, url_prefix="/app/settings/email-templates")


@bp.get("")
@staff_page
def email_templates():
    templates = call("notifications", "list_templates", g.actor)["items"]
    return render_template("staff/email_templates.html", templates=templates)


@bp.route("/<kind>", methods=["GET", "POST"])
@staff_page
def email_template(kind):
    template = call("notifications", "get_template", g.actor, kind)
    form = {"subject": template["subject"], "body": template["body"]}
    errors, preview = {}, None
    if request.method == "POST":
        form = {"subject": request.form.get("subject", ""), "body": request.form.get("body", "").replace("\r\n", "\n")}
        action = request.form.get("action", "save")
        if action not in ("save", "preview"):
            abort(400)
        try:
            if action == "preview":
                preview = call("notifications", "preview_template", g.actor, kind, form)
            else:
                call("notifications", "update_template", g.actor, kind, form)
                flash(gettext("“%(label)s” saved. Every email of this kind uses it from now on.", label=translated(template["label"])))
                return redirect(url_for("staff_templates.email_template", kind=kind))
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:
                raise
            errors = field_errors(exc)
    return render_template("staff/email_template.html", template=template, form=form, errors=errors,
                           preview=preview), 422 if errors else 200


@bp.post("/<kind>/reset")
@staff_page
def reset_template(kind):
    template = call("notifications", "reset_template", g.actor, kind)
    flash(gettext("“%(label)s” is back to the default text.", label=translated(template["label"])))
    return redirect(url_for("staff_templates.email_template", kind=kind))
