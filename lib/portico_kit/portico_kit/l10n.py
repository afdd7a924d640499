"""The one way Portico writes money, numbers and dates for people: pages, emails and PDFs alike.

Everything goes through Babel (CLDR) with the reader's locale: `1.250,50 €` in German,
`€1,250.50` in English, `30.375 د.ك.‏` in Arabic. A locale is the reader's language, refined by
the organization's country where CLDR knows that pair (`en` + GB writes `25 Nov 2026`, `en` alone
`Nov 25, 2026`). Digits stay Latin in every language (the numbering Gulf invoices use), so an
amount reads the same to the customer and to their bank.

Inputs may be what crosses the wire (decimal strings, ISO dates and timestamps) or Python values.
"""
import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from .money import round_money

_LETTER_DIGIT = re.compile(r"([^\W\d_])(\d)")
_DIGIT_LETTER = re.compile(r"(\d)([^\W\d_])")

# The languages Portico ships (the reference's markets); the first is the default.
LANGUAGES = ("en", "de", "es", "fr", "ar")
DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"ar"})


def language_or_none(value):
    """A shipped language code from what a person or a header gave ("de", "de-AT", "DE_at"), else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def pick_language(*candidates):
    """The first shipped language among candidates (the contact's, the customer's, the
    organization's ...), else the default."""
    for candidate in candidates:
        code = language_or_none(candidate)
        if code:
            return code
    return DEFAULT_LANGUAGE


def direction(language):
    return "rtl" if language_or_none(language) in RIGHT_TO_LEFT else "ltr"


@lru_cache(maxsize=256)
def locale_for(language=None, country=None):
    """A Babel Locale for a language, with the organization's country where CLDR has the pair."""
    code = pick_language(language)
    if isinstance(country, str) and len(country.strip()) == 2:
        try:
            return Locale.parse(f"{code}_{country.strip().upper()}")
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse(code)


def _locale(locale):
    if isinstance(locale, Locale):
        return locale
    if isinstance(locale, str) and ("_" in locale or "-" in locale):
        language, _, country = locale.replace("-", "_").partition("_")
        return locale_for(language, country)
    return locale_for(locale)


def _decimal(value):
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_money(amount, currency, locale=None):
    """"1250.5", "EUR", "de" -> "1.250,50 €"; in the currency's own decimals ("¥1,250", "KWD 30.375")."""
    if amount is None or amount == "":
        return "—"
    number = _decimal(amount)
    code = (currency or "").strip().upper()
    if number is None:
        return f"{amount} {code}".strip()
    if not code:
        return format_number(number, locale)
    text = babel_numbers.format_currency(round_money(number, code), code, locale=_locale(locale))
    # CLDR's currency spacing, which Babel leaves out: a letter never touches a digit ("KWD 30.375")
    return _LETTER_DIGIT.sub("\\1\u00a0\\2", _DIGIT_LETTER.sub("\\1\u00a0\\2", text))


def format_number(value, locale=None, decimals=None):
    """Quantities, hours, rates: "1.5" -> "1,5" in German; `decimals` fixes the decimals shown."""
    if value is None or value == "":
        return "—"
    number = _decimal(value)
    if number is None:
        return str(value)
    if decimals is not None:
        return babel_numbers.format_decimal(number, format=f"#,##0.{'0' * decimals}" if decimals else "#,##0",
                                            locale=_locale(locale), decimal_quantization=True)
    return babel_numbers.format_decimal(number, locale=_locale(locale), decimal_quantization=False)


def format_percent(value, locale=None):
    """A rate in percent ("19", "7.5") as the locale writes it: "19 %" in German, "19%" in English."""
    number = _decimal(value)
    if number is None:
        return "—" if value in (None, "") else str(value)
    return babel_numbers.format_percent(number / 100, locale=_locale(locale),
                                        decimal_quantization=False)


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value):
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def format_date(value, locale=None, format="medium"):
    """"2026-11-25" -> "Nov 25, 2026" (en), "25.11.2026" (de), "25‏/11‏/2026" (ar); "long" spells the month."""
    if not value:
        return "—"
    try:
        day = _as_date(value)
    except (TypeError, ValueError):
        return str(value)
    return babel_dates.format_date(day, format=format, locale=_locale(locale))


def format_datetime(value, locale=None, timezone_name=None, format="medium"):
    """A timestamp in the reader's locale and the organization's time zone (UTC when none)."""
    if not value:
        return "—"
    try:
        moment = _as_datetime(value)
    except (TypeError, ValueError):
        return str(value)
    zone = babel_dates.get_timezone(timezone_name or "UTC")
    local = moment.astimezone(zone)
    day = babel_dates.format_date(local, format=format, locale=_locale(locale))
    time = babel_dates.format_time(local, format="short", locale=_locale(locale))
    # the zone's own abbreviation ("CET", "EST", "+03"): CLDR's names are sentences in some languages
    return f"{day}, {time} {local.tzname()}"


def territory_name(code, locale=None):
    """"DE" -> "Germany" / "Deutschland" / "ألمانيا" (CLDR's names), the code itself when unknown."""
    if not code:
        return ""
    return _locale(locale).territories.get(str(code).strip().upper(), str(code))


def language_name(code, locale=None):
    """A language's own name in the reader's language ("Deutsch" for de in de, "German" in en)."""
    return _locale(locale if locale else code).languages.get(code, code)


class Formatter:
    """The formatting functions bound to one reader's locale (and time zone), for templates."""

    def __init__(self, language=None, country=None, timezone_name=None):
        self.language = pick_language(language)
        self.locale = locale_for(self.language, country)
        self.timezone = timezone_name or "UTC"
        self.dir = direction(self.language)

    def _isolated(self, text):
        # in right-to-left text a date or amount next to a Latin document number would run into it
        # ("INV-000001 · 25/11/2026" reordered): Unicode isolates keep each one whole (HTML, mail, PDF)
        return f"\u2068{text}\u2069" if self.dir == "rtl" and text != "—" else text

    def money(self, amount, currency):
        return self._isolated(format_money(amount, currency, self.locale))

    def number(self, value, decimals=None):
        return self._isolated(format_number(value, self.locale, decimals))

    def percent(self, value):
        return self._isolated(format_percent(value, self.locale))

    def date(self, value, format="medium"):
        return self._isolated(format_date(value, self.locale, format))

    def datetime(self, value, format="medium"):
        return self._isolated(format_datetime(value, self.locale, self.timezone, format))

    def territory(self, code):
        return territory_name(code, self.locale)
