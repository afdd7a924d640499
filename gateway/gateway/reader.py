"""Who reads this page, for formatting: the language, country and time zone that money, numbers
and dates are written in (portico_kit.l10n, the same formatter emails and PDFs use).

The actor carries them (`language`; the organization's `org_country` and `org_timezone`); pages
without one (sign-in) follow the request's language (`g.request_language`)."""
from flask import g, has_request_context

from portico_kit.l10n import Formatter


def reader():
    if not has_request_context():
        return Formatter()
    current = g.get("reader")
    if current is None:
        actor = g.get("actor") or {}
        current = g.reader = Formatter(actor.get("language") or g.get("request_language"),
                                       actor.get("org_country"), actor.get("org_timezone"))
    return current
