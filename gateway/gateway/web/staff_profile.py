"""Staff page "Your profile": a staff user's own name and language (the staff app, and the emails
Portico sends them, speak it; blank follows the organization's language)."""
import flask_babel
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.l10n import LANGUAGES, language_name, language_or_none

from ..auth import staff_page
from ..calls import call
from .forms import field_errors

bp = Blueprint("staff_profile", __name__, url_prefix="/app/profile")


@bp.route("", methods=["GET", "POST"])
@staff_page
def profile():
    user = call("accounts", "get_profile", g.actor)
    form, errors = user, {}
    if request.method == "POST":
        form = {"name": (request.form.get("name") or "").strip(),
                "language": language_or_none(request.form.get("language"))}
        try:
            call("accounts", "update_profile", g.actor, form)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status in (401, 404):
                raise
            errors = field_errors(exc)
        else:
            # the note below already speaks the language just chosen
            g.actor = dict(g.actor, language=form["language"] or g.actor.get("org_language") or "en")
            g.pop("reader", None)
            flask_babel.refresh()
            flash(gettext("Your profile is saved."))
            return redirect(url_for("staff_profile.profile"))
    # each language in its own name, so anyone can find theirs whatever the page speaks now
    languages = [(code, language_name(code)) for code in LANGUAGES]
    org_language = language_name(g.actor.get("org_language") or "en", g.actor.get("language"))
    return render_template("staff/profile.html", form=form, errors=errors, languages=languages,
                           org_language=org_language), 422 if errors else 200
