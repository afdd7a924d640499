"""Template helpers."""
from datetime import datetime
from decimal import Decimal, InvalidOperation

# Symbols for the common currencies; every other currency shows its ISO code after the amount.
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}

STATUS_LABELS = {"partially_paid": "Partially paid", "bank_transfer": "Bank transfer", "fixed_cost": "Fixed cost"}
# Badge colour by status: good news green, needs attention red, the rest neutral.
STATUS_TONES = {"paid": "ok", "accepted": "ok", "invoiced": "ok", "overdue": "bad", "declined": "bad",
                "expired": "bad", "void": "bad"}


def money(amount, currency=None):
    """"1250.5", "EUR" -> "€1,250.50"; "1250.5", "CHF" -> "1,250.50 CHF"; never float arithmetic."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    code = (currency or "").upper()
    if code in CURRENCY_SYMBOLS:
        return f"{sign}{CURRENCY_SYMBOLS[code]}{digits}"
    return f"{sign}{digits} {code}".rstrip()


def status_label(value):
    """Machine status -> words people read ("partially_paid" -> "Partially paid")."""
    if not value:
        return ""
    return STATUS_LABELS.get(value, str(value).replace("_", " ").capitalize())


def status_tone(value):
    return STATUS_TONES.get(value, "")


def register(app):
    @app.template_filter("when")
    def when(value, fmt="%d %b %Y, %H:%M UTC"):
        if not value:
            return "—"
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00")).strftime(fmt)
        except ValueError:
            return value

    @app.template_filter("day")
    def day(value):
        return when(value, "%d %b %Y")

    app.add_template_filter(money)
    app.add_template_filter(status_label)
    app.add_template_filter(status_tone)
