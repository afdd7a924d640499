"""Each currency's own minor units (ISO 4217 via Babel), half-up rounding, and the one formatter for
money, numbers and dates in the reader's locale."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from portico_kit import l10n, money


def plain(text):
    """Formatted text with its no-break spaces and bidi marks made visible as plain spaces / gone."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200f", "").replace("\u061c", "")


@pytest.mark.parametrize("code, digits", [("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("SAR", 2),
                                          ("AED", 2), ("INR", 2), ("KWD", 3), ("BHD", 3), ("OMR", 3),
                                          ("jpy", 0), (" kwd ", 3)])
def test_currency_digits_come_from_iso_4217(code, digits):
    assert money.currency_digits(code) == digits


def test_every_active_currency_has_at_most_three_digits_so_storage_holds_them_all():
    assert max(money.currency_digits(code) for code in money.CURRENCIES) == money.MAX_DIGITS == 3


@pytest.mark.parametrize("value, code, expected", [
    ("0.125", "USD", "0.13"), ("0.124", "USD", "0.12"), ("2.5", "JPY", "3"), ("1249.5", "JPY", "1250"),
    ("0.0125", "KWD", "0.013"), ("30.3745", "KWD", "30.375"), ("-0.005", "EUR", "-0.01"), ("-0", "USD", "0.00"),
    ("1250.5", "USD", "1250.50"), ("7", "BHD", "7.000"),
])
def test_rounding_is_half_up_to_the_currencys_own_unit(value, code, expected):
    assert money.money_str(value, code) == expected


@pytest.mark.parametrize("value, code, too_many", [("1.001", "USD", True), ("1.00", "USD", False),
                                                   ("1.000", "USD", False), ("1.5", "JPY", True),
                                                   ("1250", "JPY", False), ("30.375", "KWD", False),
                                                   ("30.3751", "KWD", True)])
def test_too_many_digits_for_the_currency(value, code, too_many):
    assert money.has_too_many_digits(value, code) is too_many


@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from(["JPY", "USD", "KWD"]))
def test_minor_units_round_trip(units, code):
    amount = money.from_minor_units(units, code)
    assert money.to_minor_units(amount, code) == units
    assert amount.as_tuple().exponent == -money.currency_digits(code)


def test_minor_units_for_card_processors():
    assert money.to_minor_units("30.375", "KWD") == 30375
    assert money.to_minor_units("12.5", "USD") == 1250
    assert money.to_minor_units("1250", "JPY") == 1250


@pytest.mark.parametrize("amount, code, locale, expected", [
    ("1250.5", "EUR", "de", "1.250,50 €"),
    ("1250.5", "EUR", "en", "€1,250.50"),
    ("1250.5", "EUR", "fr", "1 250,50 €"),
    ("1250.5", "EUR", "es", "1.250,50 €"),
    ("1000", "JPY", "en", "¥1,000"),
    ("30.375", "KWD", "en", "KWD 30.375"),
    ("30.375", "KWD", "ar", "30.375 د.ك."),
    ("30.375", "KWD", "de", "30,375 KWD"),
    ("-12.5", "USD", "en", "-$12.50"),
    ("1250.5", "GBP", "en_GB", "£1,250.50"),
])
def test_money_is_written_in_the_readers_locale_and_the_currencys_digits(amount, code, locale, expected):
    assert plain(l10n.format_money(amount, code, locale)) == expected


def test_arabic_keeps_latin_digits_and_marks_the_direction():
    text = l10n.format_money("1250.5", "SAR", "ar")
    assert "1,250.50" in text and text.startswith("\u200f")


def test_unreadable_money_is_shown_not_hidden():
    assert l10n.format_money(None, "USD", "en") == "—"
    assert l10n.format_money("n/a", "USD", "en") == "n/a USD"


@pytest.mark.parametrize("locale, expected", [("en", "Nov 25, 2026"), ("en_GB", "25 Nov 2026"),
                                              ("de", "25.11.2026"), ("fr", "25 nov. 2026")])
def test_dates_in_the_readers_locale(locale, expected):
    assert l10n.format_date("2026-11-25", locale) == expected


def test_long_dates_and_timestamps_in_the_organizations_zone():
    assert l10n.format_date("2026-11-25", "de", "long") == "25. November 2026"
    assert l10n.format_date("2026-11-25", "ar", "long") == "25 نوفمبر 2026"
    assert plain(l10n.format_datetime("2026-11-25T10:00:00Z", "de", "Europe/Berlin")) == "25.11.2026, 11:00 CET"
    assert plain(l10n.format_datetime("2026-11-25T10:00:00Z", "en")) == "Nov 25, 2026, 10:00 AM UTC"


def test_numbers_and_percentages():
    assert l10n.format_number("1250.5", "de") == "1.250,5"
    assert l10n.format_number("2", "de", decimals=2) == "2,00"
    assert plain(l10n.format_percent("19", "de")) == "19 %"
    assert l10n.format_percent("7.5", "en") == "7.5%"


def test_language_precedence_and_direction():
    assert l10n.pick_language(None, "de", "fr") == "de"
    assert l10n.pick_language("", "xx", "ar-SA") == "ar"
    assert l10n.pick_language(None, None) == "en"
    assert l10n.direction("ar") == "rtl" and l10n.direction("de") == "ltr"
    assert l10n.locale_for("en", "GB").territory == "GB"
    assert str(l10n.locale_for("de", "XX")) == "de"


def test_country_names_are_translated():
    assert l10n.territory_name("DE", "de") == "Deutschland"
    assert l10n.territory_name("SA", "ar") == "المملكة العربية السعودية"
    assert l10n.territory_name("AE", "en") == "United Arab Emirates"


def test_a_formatter_bound_to_one_reader():
    reader = l10n.Formatter("de", "DE", "Europe/Berlin")
    assert plain(reader.money("1250.5", "EUR")) == "1.250,50 €"
    assert reader.date("2026-11-25") == "25.11.2026" and reader.dir == "ltr"
    arabic = l10n.Formatter("ar")
    assert arabic.dir == "rtl"
    # isolated, so that a date never runs into the Latin document number beside it
    assert arabic.date("2026-11-25").startswith("\u2068") and arabic.date("2026-11-25").endswith("\u2069")
    assert not reader.date("2026-11-25").startswith("\u2068")


def test_a_card_pays_three_decimal_currencies_in_stripes_steps():
    card_chargeable = money.card_chargeable
    assert card_chargeable("30.375", "KWD") == Decimal("30.370")
    assert card_chargeable("30.370", "BHD") == Decimal("30.370")
    assert card_chargeable("0.005", "OMR") == Decimal("0.000")
    assert card_chargeable("1250.55", "EUR") == Decimal("1250.55")
    assert card_chargeable("1250", "JPY") == Decimal("1250")
