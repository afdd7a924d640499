"""Template helpers. Money, numbers and dates are formatted by the kit (portico_kit.l10n), in the
reader's locale, as in PDFs and emails."""
from flask_babel import gettext

from portico_kit.i18n import N_

from ..reader import reader

# Every status, payment mode and billing method a page shows, in words people read (translated).
STATUS_LABELS = {
    "draft": N_("Draft"), "sent": N_("Sent"), "partially_paid": N_("Partially paid"), "paid": N_("Paid"),
    "overdue": N_("Overdue"), "void": N_("Void"), "accepted": N_("Accepted"), "declined": N_("Declined"),
    "expired": N_("Expired"), "invoiced": N_("Invoiced"), "cash": N_("Cash"), "bank_transfer": N_("Bank transfer"),
    "cheque": N_("Cheque"), "card": N_("Card"), "other": N_("Other"), "fixed_cost": N_("Fixed cost"),
    "hourly": N_("Hourly"), "staff": N_("Staff"), "portal": N_("Portal"),
}
# Badge colour by status: good news green, needs attention red, the rest neutral.
STATUS_TONES = {"paid": "ok", "accepted": "ok", "invoiced": "ok", "overdue": "bad", "declined": "bad",
                "expired": "bad", "void": "bad"}


def money(amount, currency=None):
    """"1250.5", "EUR" -> "€1,250.50" (en), "1.250,50 €" (de): the reader's locale, the currency's decimals."""
    return reader().money(amount, currency)


def status_label(value):
    """Machine status -> words people read ("partially_paid" -> "Partially paid")."""
    if not value:
        return ""
    label = STATUS_LABELS.get(value)
    return gettext(label) if label else str(value).replace("_", " ").capitalize()


def status_tone(value):
    return STATUS_TONES.get(value, "")


def register(app):
    @app.template_filter("when")
    def when(value):
        """A timestamp in the reader's locale and time zone."""
        return reader().datetime(value)

    @app.template_filter("day")
    def day(value, format="medium"):
        return reader().date(value, format)

    @app.template_filter("number")
    def number(value, decimals=None):
        return reader().number(value, decimals)

    @app.template_filter("percent")
    def percent(value):
        return reader().percent(value)

    app.add_template_filter(money)
    app.add_template_filter(status_label)
    app.add_template_filter(status_tone)
