"""Error messages in the reader's language: the API's `{"error": {"code", "message", "fields"}}` and
the error pages.

The `code` never changes (clients branch on it); `message` and each `fields` value are what a
person reads, so they follow the page's language (i18n.page_language: the signed-in person's, else
`Accept-Language`). Services raise English messages; here they are looked up in the shared
catalogs: the exact text when the catalogs have it (the kit's defaults, the gateway's own, the
common field messages below), the few texts with values in them by pattern, and otherwise the
general message of the status, so a German reader never gets English prose (the `code` keeps the
detail). English readers get the service's text as it is.
"""
import re

from flask_babel import get_locale, gettext, ngettext

from portico_kit import addresses
from portico_kit.i18n import N_
from portico_kit.l10n import DEFAULT_LANGUAGE

# texts services and the gateway send as they are (marked here so the catalogs have them)
KNOWN = [
    # portico_kit.errors' defaults
    N_("The request is malformed."), N_("Sign in first."), N_("The payment did not go through."),
    N_("You are not allowed to do that."), N_("Not found."), N_("That conflicts with the current state."),
    N_("This is no longer available."), N_("Some fields are invalid."), N_("Too many attempts; try again later."),
    N_("A service is not available right now; try again shortly."),
    N_("A service took too long to answer; try again shortly."),
    # the gateway's own
    N_("There is nothing at this address."), N_("Something went wrong on our side; it has been logged."),
    N_("The form's security token is missing or expired."), N_("The body must be a JSON object."),
    N_("The body is not valid JSON."), N_("Send a JSON body with Content-Type: application/json."),
    N_("Send Authorization: Bearer <token> (from /api/v1/login)."),
    N_("Send Authorization: Bearer <token> (from .../api/v1/login)."),
    N_("Unknown fields."), N_("Expected a JSON object."),
    N_("A customer needs an email address to get portal access."),
    # billing's number fields (schemas.DecimalString): what to type, not how it is parsed
    N_("Enter an amount like 12.50."), N_("Enter a quantity like 2 or 1.5."), N_("Enter a percentage like 19 or 7.5."),
    N_("Enter hours like 1.5."), N_("Enter a number like 12.50."),
    # marshmallow's field messages, as every service's schemas send them
    N_("Unknown field."), N_("Missing data for required field."), N_("Field may not be null."),
    N_("Not a valid string."), N_("Not a valid email address."), N_("Not a valid integer."),
    N_("Not a valid number."), N_("Not a valid date."), N_("Not a valid datetime."), N_("Not a valid boolean."),
    N_("Not a valid URL."), N_("Invalid input type."), N_("Not a valid list."),
]

# the general message of each status, when a text is not in the catalogs
BY_STATUS = {400: N_("The request is malformed."), 401: N_("Sign in first."),
             402: N_("The payment did not go through."), 403: N_("You are not allowed to do that."),
             404: N_("Not found."), 405: N_("The request is malformed."),
             409: N_("That conflicts with the current state."), 410: N_("This is no longer available."),
             413: N_("The request is malformed."), 415: N_("Send a JSON body with Content-Type: application/json."),
             422: N_("Some fields are invalid."), 429: N_("Too many attempts; try again later."),
             500: N_("Something went wrong on our side; it has been logged."),
             503: N_("A service is not available right now; try again shortly."),
             504: N_("A service took too long to answer; try again shortly.")}
FIELD_FALLBACK = N_("This value is not valid.")

NO_DECIMALS = re.compile(r"^([A-Z]{3}) amounts have no decimals\.$")
AT_MOST_DECIMALS = re.compile(r"^([A-Z]{3}) amounts have at most (\d+) decimals?\.$")
LENGTH_BETWEEN = re.compile(r"^Length must be between (\d+) and (\d+)\.$")
LONGER_THAN = re.compile(r"^Longer than maximum length (\d+)\.$")
SHORTER_THAN = re.compile(r"^Shorter than minimum length (\d+)\.$")
ONE_OF = re.compile(r"^Must be one of: (.*)\.$")
POSTAL_CODE = re.compile(r"^Not a postal code of ([A-Z]{2}), such as (.+)\.$")


def reader_language():
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def _patterned(text):
    match = NO_DECIMALS.match(text)
    if match:
        return gettext("%(currency)s amounts have no decimals.", currency=match[1])
    match = AT_MOST_DECIMALS.match(text)
    if match:
        return ngettext("%(currency)s amounts have at most %(num)d decimal.",
                        "%(currency)s amounts have at most %(num)d decimals.", int(match[2]), currency=match[1])
    match = LENGTH_BETWEEN.match(text)
    if match:
        return gettext("Between %(low)s and %(high)s characters.", low=match[1], high=match[2])
    match = LONGER_THAN.match(text)
    if match:
        return gettext("At most %(high)s characters.", high=match[1])
    match = SHORTER_THAN.match(text)
    if match:
        return gettext("At least %(low)s characters.", low=match[1])
    match = POSTAL_CODE.match(text)
    if match:
        return gettext("Not a postal code of %(country)s, such as %(example)s.",
                       country=addresses.country_name(match[1], reader_language()), example=match[2])
    match = ONE_OF.match(text)
    if match:
        return gettext("One of: %(choices)s.", choices=match[1])
    return None


def translate(text, fallback=None):
    """`text` in the reader's language: from the catalogs, by pattern, else `fallback` translated
    (None: the text as it is)."""
    if not text or reader_language() == DEFAULT_LANGUAGE:
        return text
    found = gettext(text)
    if found != text:
        return found
    found = _patterned(str(text))
    if found:
        return found
    return gettext(fallback) if fallback else text


def localized(status, message, fields=None, general=True):
    """(message, fields) as the reader reads them. `general`: a text the catalogs lack becomes the
    status's general words (the API, whose `code` keeps the detail); without it (a page's form, where
    the text is all a person sees) it stays as the service wrote it."""
    fallback = (BY_STATUS.get(status) or BY_STATUS[500 if status >= 500 else 400]) if general else None
    message = translate(message, fallback)
    if fields:
        fields = {name: translate(value, FIELD_FALLBACK if general else None) if isinstance(value, str) else value
                  for name, value in fields.items()}
    return message, fields
