"""Template helpers. Money and dates are formatted by the kit, as in PDFs and emails."""
from portico_kit.l10n import format_money
from portico_kit.timeutil import format_day, format_moment

STATUS_LABELS = {"partially_paid": "Partially paid", "bank_transfer": "Bank transfer", "fixed_cost": "Fixed cost"}
# Badge colour by status: good news green, needs attention red, the rest neutral.
STATUS_TONES = {"paid": "ok", "accepted": "ok", "invoiced": "ok", "overdue": "bad", "declined": "bad",
                "expired": "bad", "void": "bad"}


def money(amount, currency=None):
    """"1250.5", "EUR" -> "€1,250.50", in the currency's own decimals (portico_kit.l10n)."""
    return format_money(amount, currency)


def status_label(value):
    """Machine status -> words people read ("partially_paid" -> "Partially paid")."""
    if not value:
        return ""
    return STATUS_LABELS.get(value, str(value).replace("_", " ").capitalize())


def status_tone(value):
    return STATUS_TONES.get(value, "")


def register(app):
    app.add_template_filter(format_moment, "when")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(money, "money")
    app.add_template_filter(status_label)
    app.add_template_filter(status_tone)
