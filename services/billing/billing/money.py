"""Billing's money arithmetic: Decimal only, half-up per line to the currency's own minor unit
(JPY 0, USD 2, KWD 3 decimals: portico_kit.money, from ISO 4217), see docs/billing.md."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from portico_kit.errors import Invalid
from portico_kit.money import MAX_DIGITS, currency_digits, quantum  # noqa: F401 (MAX_DIGITS: schemas)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
# Numeric(15, 3) holds 12 digits before the point: anything larger cannot be stored exactly
MAX_MONEY = Decimal("999999999999.999")
MONEY_EXAMPLE = "Enter a number like 12.50."  # schemas.DecimalString says what kind of number it wants


def parse_decimal(value, places=2, minimum=Decimal(0), maximum=None, positive=False):
    """A decimal string (or a JSON number) as a Decimal; ValueError says why it is refused.

    Refused: booleans, NaN/Infinity, more than `places` decimals (None: any; the currency's own
    limit is checked once the currency is known, see `check_digits`), below `minimum` (negative by
    default), zero when `positive`, above `maximum`. JSON numbers go through their shortest repr so
    that 0.1 means 0.1, never the binary float near it.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError(MONEY_EXAMPLE)
    text = value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    if not text or len(text) > 40:
        raise ValueError(MONEY_EXAMPLE)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(MONEY_EXAMPLE)
    if not number.is_finite():
        raise ValueError("Must be a finite number.")
    if places is not None and number.as_tuple().exponent < -places:
        raise ValueError(f"At most {places} decimal places.")
    if positive and number <= 0:
        raise ValueError("Must be more than 0.")
    if minimum is not None and number < minimum:
        raise ValueError(f"Must be {format_plain(minimum)} or more.")
    if maximum is not None and number > maximum:
        raise ValueError(f"Must be {format_plain(maximum)} or less.")
    return number + 0  # drops a negative zero's sign


def digits_allowed(currency):
    """"JPY amounts have no decimals.", "KWD amounts have at most 3 decimals." """
    digits = currency_digits(currency)
    return f"{currency} amounts have no decimals." if not digits else \
        f"{currency} amounts have at most {digits} decimal{'s' if digits != 1 else ''}."


def check_digits(currency, amounts):
    """422 invalid_amount naming every amount with more decimals than the currency has.

    amounts: {field name: Decimal or None}. "1250.5" JPY, "12.505" USD are refused, never rounded
    away: an amount a person typed must be the amount stored.
    """
    unit = quantum(currency)
    bad = {field: digits_allowed(currency) for field, value in amounts.items()
           if value is not None and Decimal(value) != Decimal(value).quantize(unit, rounding=ROUND_HALF_UP)}
    if bad:
        raise Invalid(code="invalid_amount", message=digits_allowed(currency), fields=bad)


def check_line_digits(currency, lines, prefix="line_items"):
    check_digits(currency, {f"{prefix}.{i}.rate": line.get("rate") for i, line in enumerate(lines or [])})


def parse_money(value, currency, positive=False):
    """A money amount in `currency`: parsed, and no more decimals than the currency has."""
    number = parse_decimal(value, places=None, maximum=MAX_MONEY, positive=positive)
    if number != round_money(number, currency):
        raise ValueError(digits_allowed(currency))
    return round_money(number, currency)


def round_money(value, currency):
    return Decimal(value).quantize(quantum(currency), rounding=ROUND_HALF_UP) + 0


def fmt(value, currency):
    """Money as the API shows it, in the currency's decimals: "1250" JPY, "1250.50" USD, "1250.125" KWD.

    A stored digit is never hidden: an amount kept from before amounts had their currency's
    precision (a JPY total with cents), or one with no currency of its own (a project's rate),
    shows every decimal it has, and at least the currency's (two when none).
    """
    number = Decimal(value if value is not None else 0) + 0
    places = currency_digits(currency) if currency else 2
    own = -number.normalize().as_tuple().exponent
    return str(number.quantize(Decimal(1).scaleb(-max(places, own))))


def format_plain(value):
    """Quantities, hours and percentages: "1.5", "19", "0.25" (no exponent, no trailing zeros)."""
    if value is None:
        return None
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number, "f")


def line_amounts(quantity, rate, discount, tax_rate, currency):
    """(amount, tax_amount) of one line, each rounded half-up to the currency's minor unit."""
    with localcontext() as context:
        context.prec = 60  # exact products before the one rounding (default is 28 digits)
        amount = round_money(Decimal(quantity) * Decimal(rate) * (1 - Decimal(discount or 0) / HUNDRED), currency)
        tax_amount = round_money(amount * Decimal(tax_rate or 0) / HUNDRED, currency)
    return amount, tax_amount


def totals(lines):
    """lines: [(amount, tax_amount)] -> (subtotal, tax_total, total)."""
    subtotal = sum((a for a, _ in lines), ZERO)
    tax_total = sum((t for _, t in lines), ZERO)
    return subtotal, tax_total, subtotal + tax_total
