"""Billing's money arithmetic: Decimal only, half-up to the cent, per line (docs/billing.md)."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
# Numeric(14, 2) holds 12 digits before the point: anything larger cannot be stored exactly
MAX_MONEY = Decimal("999999999999.99")


def parse_decimal(value, places=2, minimum=Decimal(0), maximum=None, positive=False):
    """A decimal string (or a JSON number) as a Decimal; ValueError says why it is refused.

    Refused: booleans, NaN/Infinity, more than `places` decimals, below `minimum` (negative by
    default), zero when `positive`, above `maximum`. JSON numbers go through their shortest repr so
    that 0.1 means 0.1, never the binary float near it.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError("Must be a decimal number, as a string (e.g. \"12.50\").")
    text = value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    if not text or len(text) > 40:
        raise ValueError("Must be a decimal number, as a string (e.g. \"12.50\").")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError("Must be a decimal number, as a string (e.g. \"12.50\").")
    if not number.is_finite():
        raise ValueError("Must be a finite number.")
    if number.as_tuple().exponent < -places:
        raise ValueError(f"At most {places} decimal places.")
    if positive and number <= 0:
        raise ValueError("Must be more than 0.")
    if minimum is not None and number < minimum:
        raise ValueError(f"Must be {format_plain(minimum)} or more.")
    if maximum is not None and number > maximum:
        raise ValueError(f"Must be {format_plain(maximum)} or less.")
    return number + 0  # drops a negative zero's sign


def parse_money(value, positive=False):
    return round_cent(parse_decimal(value, places=2, maximum=MAX_MONEY, positive=positive))


def round_cent(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value):
    """Money as the API shows it: two places, "1250.00"."""
    return str(round_cent(value if value is not None else ZERO))


def format_plain(value):
    """Quantities, hours and percentages: "1.5", "19", "0.25" (no exponent, no trailing zeros)."""
    if value is None:
        return None
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number, "f")


def line_amounts(quantity, rate, discount=ZERO, tax_rate=ZERO):
    """(amount, tax_amount) of one line, each rounded half-up to the cent."""
    with localcontext() as context:
        context.prec = 60  # exact products before the one rounding to the cent (default is 28 digits)
        amount = round_cent(Decimal(quantity) * Decimal(rate) * (1 - Decimal(discount or 0) / HUNDRED))
        tax_amount = round_cent(amount * Decimal(tax_rate or 0) / HUNDRED)
    return amount, tax_amount


def totals(lines):
    """lines: [(amount, tax_amount)] -> (subtotal, tax_total, total)."""
    subtotal = sum((a for a, _ in lines), ZERO)
    tax_total = sum((t for _, t in lines), ZERO)
    return subtotal, tax_total, subtotal + tax_total
