"""Settings → Email templates: every kind of email, edited, previewed with sample data, reset."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.l10n import LANGUAGES, language_name, language_or_none

from ..auth import staff_page
from ..calls import call
from .forms import field_errors


def translated(text):
    """A label the notifications service sends in English (marked there), in the reader's language."""
    return gettext(text) if text else text


bp = Blueprint("staff_templates", __name__, url_prefix="/app/settings/email-templates")


def chosen_language():
    """[language] from ?language=, else [] (the service then takes the organization's)."""
    language = language_or_none(request.args.get("language"))
    return [language] if language else []


def languages():
    """Each language in its own name: staff pick the one whose text they write."""
    return [(code, language_name(code)) for code in LANGUAGES]


@bp.get("")
@staff_page
def email_templates():
    result = call("notifications", "list_templates", g.actor, *chosen_language())
    return render_template("staff/email_templates.html", templates=result["items"],
                           language=result.get("language"), languages=languages())


@bp.route("/<kind>", methods=["GET", "POST"])
@staff_page
def email_template(kind):
    template = call("notifications", "get_template", g.actor, kind, *chosen_language())
    language = template.get("language")
    form = {"subject": template["subject"], "body": template["body"]}
    errors, preview = {}, None
    if request.method == "POST":
        form = {"subject": request.form.get("subject", ""), "body": request.form.get("body", "").replace("\r\n", "\n")}
        sent = dict(form, language=language) if language else form
        action = request.form.get("action", "save")
        if action not in ("save", "preview"):
            abort(400)
        try:
            if action == "preview":
                preview = call("notifications", "preview_template", g.actor, kind, sent)
            else:
                call("notifications", "update_template", g.actor, kind, sent)
                flash(gettext("“%(label)s” saved. Every email of this kind uses it from now on.", label=translated(template["label"])))
                return redirect(url_for("staff_templates.email_template", kind=kind, language=language))
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:
                raise
            errors = field_errors(exc)
    return render_template("staff/email_template.html", template=template, form=form, errors=errors,
                           preview=preview, language=language, languages=languages()), 422 if errors else 200


@bp.post("/<kind>/reset")
@staff_page
def reset_template(kind):
    template = call("notifications", "reset_template", g.actor, kind, *chosen_language())
    flash(gettext("“%(label)s” is back to the default text.", label=translated(template["label"])))
    return redirect(url_for("staff_templates.email_template", kind=kind, language=template.get("language")))
