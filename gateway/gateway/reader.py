"""Who reads this page, for formatting: the language, country and time zone that money, numbers
and dates are written in (portico_kit.l10n, the same formatter emails and PDFs use).

The page's language (i18n.page_language: the actor's, else Accept-Language) and the organization's
country and time zone, which the actor carries (`org_country`, `org_timezone`)."""
from flask import g, has_request_context

from portico_kit.l10n import Formatter

from .i18n import page_language


def reader():
    if not has_request_context():
        return Formatter()
    current = g.get("reader")
    if current is None:
        actor = g.get("actor") or {}
        current = g.reader = Formatter(page_language(), actor.get("org_country"), actor.get("org_timezone"))
    return current
