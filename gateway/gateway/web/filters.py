"""Template helpers. Money, numbers and dates are formatted by the kit (portico_kit.l10n), in the
reader's locale, as in PDFs and emails."""
from flask_babel import gettext

from portico_kit import addresses
from portico_kit import money as money_module
from portico_kit.i18n import N_

from ..i18n import page_language
from ..reader import reader

# Every status, payment mode and billing method a page shows, in words people read (translated).
STATUS_LABELS = {
    "draft": N_("Draft"), "sent": N_("Sent"), "partially_paid": N_("Partially paid"), "paid": N_("Paid"),
    "overdue": N_("Overdue"), "void": N_("Void"), "accepted": N_("Accepted"), "declined": N_("Declined"),
    "expired": N_("Expired"), "invoiced": N_("Invoiced"), "cash": N_("Cash"), "bank_transfer": N_("Bank transfer"),
    "cheque": N_("Cheque"), "card": N_("Card"), "other": N_("Other"), "fixed_cost": N_("Fixed cost"),
    "hourly": N_("Hourly"), "staff": N_("Staff"), "portal": N_("Portal"),
    # emails (the staff email log)
    "queued": N_("Queued"), "sending": N_("Sending"), "failed": N_("Failed"),
    # refunds
    "succeeded": N_("Succeeded"), "pending": N_("Pending"),
    # portal access of a contact
    "invited": N_("Invited"), "active": N_("Active"), "disabled": N_("Disabled"), "not_invited": N_("Not invited"),
    # documents and custom field types
    "invoice": N_("Invoice"), "quote": N_("Quote"), "receipt": N_("Receipt"), "statement": N_("Statement"),
    "text": N_("Text"), "number": N_("Number"), "date": N_("Date"), "dropdown": N_("Dropdown"),
}
# Badge colour by status: good news green, needs attention red, the rest neutral.
STATUS_TONES = {"paid": "ok", "succeeded": "ok", "accepted": "ok", "invoiced": "ok", "overdue": "bad", "declined": "bad",
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
    @app.template_global("address_lines_of")
    def address_lines_of(address):
        """The address as its country writes it, the country named in the reader's language."""
        return addresses.address_lines(address, page_language())

    @app.template_global("tax_summary")
    def tax_summary(lines):
        """A document's tax by rate (portico_kit.money.tax_summary, as on its PDF)."""
        return money_module.tax_summary(lines)

    @app.template_global("countries")
    def countries():
        """[(ISO code, name)] for the country picker, by name in the reader's language."""
        return addresses.countries(page_language())

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

    @app.template_filter("t")
    def translated(text):
        """A message marked where it is defined (N_, in a service or here) and sent as data, in the
        reader's language; never %-formatted, so a text may show `{% if %}` as it is."""
        return gettext(text) if text else text

    app.add_template_filter(money)
    app.add_template_filter(status_label)
    app.add_template_filter(status_tone)
