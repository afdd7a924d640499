"""The language of a page (Flask-Babel over the kit's catalogs, shared with emails and PDFs).

Whose language: a signed-in person's (the actor carries it: a portal contact's own choice, else
their customer's, else the organization's; a staff user's own choice, else the organization's);
before anyone signs in, that of the person an emailed link was sent to (invitation, password reset),
else the browser's `Accept-Language` among the shipped languages. Arabic pages
are right to left (`<html lang="ar" dir="rtl">`).
"""
import flask_babel
from flask import g, request
from flask_babel import Babel

from portico_kit.i18n import LOCALES_DIR
from portico_kit.l10n import DEFAULT_LANGUAGE, LANGUAGES, direction, language_or_none


def page_language():
    actor = g.get("actor") or {}
    chosen = language_or_none(actor.get("language")) or language_or_none(g.get("known_language"))
    if chosen:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def speak(language):
    """A page before sign-in that knows whose it is (an emailed invitation or reset link) speaks
    that person's language rather than the browser's."""
    if language_or_none(language):
        g.known_language = language
        g.pop("reader", None)
        flask_babel.refresh()


def page_timezone():
    return (g.get("actor") or {}).get("org_timezone") or "UTC"


def register(app):
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = LOCALES_DIR
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    Babel(app, locale_selector=page_language, timezone_selector=page_timezone)

    @app.context_processor
    def language_of_the_page():
        language = page_language()
        return {"page_lang": language, "page_dir": direction(language)}

    @app.after_request
    def vary_on_language(response):
        # a page before sign-in follows Accept-Language: caches must keep one copy per language
        response.vary.add("Accept-Language")
        return response
