"""Settings → Email templates: every kind of email, edited, previewed with sample data, reset."""
from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portico_kit.errors import ServiceError
from portico_kit.l10n import LANGUAGES, language_name, language_or_none

from ..auth import staff_page
from ..calls import call
from .forms import field_errors


def translated(text):
    """A label the notifications service sends in English (marked there), in the reader's language."""
    return gettext(text) if text else text


bp = Blueprint("staff_templates", __name__, url_prefix="/app/settings/email-templates")

# The HTML preview is its own document in a sandboxed frame, with a policy of its own that lets the
# email's inline styles apply; a srcdoc frame would inherit the app's policy, which blocks them.
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; "
                  "frame-ancestors 'self'; form-action 'none'; sandbox")
PREVIEW_SECONDS = 600


def _preview_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="email-template-preview")


def preview_src(kind, draft):
    """The frame's address: the unsaved draft travels signed (and compressed) in it, for this user only."""
    token = _preview_signer().dumps(dict(draft, kind=kind, user=g.actor.get("user_id")))
    return url_for("staff_templates.preview_html", kind=kind, t=token)


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
                preview["src"] = preview_src(kind, sent)
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


@bp.get("/<kind>/preview.html")
@staff_page
def preview_html(kind):
    try:
        draft = _preview_signer().loads(request.args.get("t", ""), max_age=PREVIEW_SECONDS)
    except BadSignature:  # also an expired one (SignatureExpired is a BadSignature)
        abort(404)
    if draft.get("kind") != kind or draft.get("user") != g.actor.get("user_id"):
        abort(404)
    sent = {key: draft[key] for key in ("subject", "body", "language") if draft.get(key)}
    preview = call("notifications", "preview_template", g.actor, kind, sent)
    response = make_response(preview["html"])
    response.headers.update({"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PREVIEW_POLICY,
                             "X-Frame-Options": "SAMEORIGIN"})
    return response
