"""The kinds of email Portico sends: who gets them, their placeholders, and sample data for previews.

Every placeholder listed for a kind exists in its context (contexts.py builds the real ones with
the same shape as `sample()` here), so a template that uses anything else is refused on save.
"""
from dataclasses import dataclass, field

from portico_kit import i18n, l10n
from portico_kit.i18n import N_  # labels and descriptions staff read: translated where shown

ORGANIZATION = [("organization.name", N_("Your business name")),
                ("organization.email", N_("Your business email")),
                ("organization.phone", N_("Your business phone"))]
CUSTOMER = [("customer.name", N_("The customer's display name (also customer.display_name)"))]
DOCUMENT = [("document.number", N_("Invoice or quote number")),
            ("document.kind", N_("\"invoice\" or \"quote\"")),
            ("document.name", N_("The kind of document in the reader's language (\"invoice\", \"Rechnung\" ...)")),
            ("document.label", N_("The same, as a title (\"Invoice\", \"Rechnung\" ...)")),
            ("document.amount", N_("Total with its currency, e.g. EUR 1,250.00")),
            ("document.total", N_("Total as a number, e.g. 1250.00")),
            ("document.currency", N_("Currency code")),
            ("document.date", N_("Date of the document")),
            ("document.url", N_("Link to the document in the customer portal"))]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    recipients: str
    placeholders: list = field(default_factory=list)
    required: tuple = ()        # top-level names the body must use (the one link that matters)
    editable: bool = True       # staff_password_reset is Portico's own mail, not the organization's


KINDS = {k.name: k for k in [
    Kind("portal_invitation", N_("Portal invitation"),
         N_("Each contact person invited to the portal (also when invitations are sent again)."),
         ORGANIZATION + CUSTOMER + [
             ("contact.name", N_("The invited contact person")), ("contact.email", N_("Their email")),
             ("invite_url", N_("Link to accept the invitation and choose a password (required)")),
             ("expires_on", N_("When the link expires")), ("portal_url", N_("Your portal's address"))],
         required=("invite_url",)),
    Kind("password_reset", N_("Portal password reset"),
         N_("The contact person who asked to reset their portal password."),
         ORGANIZATION + CUSTOMER + [
             ("contact.name", N_("The contact person")), ("contact.email", N_("Their email")),
             ("reset_url", N_("Link to choose a new password (required)")),
             ("expires_on", N_("When the link expires")), ("portal_url", N_("Your portal's address"))],
         required=("reset_url",)),
    Kind("invoice_sent", N_("Invoice sent"),
         N_("The customer's portal contacts; the customer's email when the portal is not enabled."),
         ORGANIZATION + CUSTOMER + DOCUMENT + [
             ("document.due_date", N_("Due date")), ("document.balance", N_("Balance due with its currency")),
             ("recipient.name", N_("Who receives this email")),
             ("portal_enabled", N_("Whether the customer can sign in to your portal (use with {% if %})")),
             ("portal_url", N_("Your portal's address"))]),
    Kind("quote_sent", N_("Quote sent"),
         N_("The customer's portal contacts; the customer's email when the portal is not enabled."),
         ORGANIZATION + CUSTOMER + DOCUMENT + [
             ("document.expiry_date", N_("Valid until")), ("recipient.name", N_("Who receives this email")),
             ("portal_enabled", N_("Whether the customer can sign in to your portal (use with {% if %})")),
             ("portal_url", N_("Your portal's address"))]),
    Kind("comment_notification", N_("Your comment, to the customer"),
         N_("When \"Email customers when I comment\" is on: the customer's portal contacts, or the "
         "customer's email when the portal is not enabled."),
         ORGANIZATION + CUSTOMER + DOCUMENT + [
             ("comment.text", N_("What was written")), ("comment.author", N_("Who wrote it")),
             ("recipient.name", N_("Who receives this email")),
             ("portal_enabled", N_("Whether the customer can sign in to your portal (use with {% if %})")),
             ("portal_url", N_("Your portal's address"))]),
    Kind("portal_activity", N_("Portal activity, to staff"),
         N_("When \"Email me on every portal activity\" is on: every staff member of the organization."),
         ORGANIZATION + CUSTOMER + [
             ("activity.summary", N_("One line: who did what")), ("activity.details", N_("More about it")),
             ("activity.kind", N_("quote_accepted, quote_declined, comment_added, payment_recorded, "
                               "customer_updated or review_submitted")),
             ("actor.name", N_("The contact person who did it")), ("staff.name", N_("The staff member")),
             ("customer.url", N_("The customer's page in Portico")),
             ("document.staff_url", N_("The invoice or quote in Portico, when the activity is about one")),
             ("activity_url", N_("The portal activity log")), ("settings_url", N_("Your portal settings"))]),
    Kind("document_forwarded", N_("Forwarded document"),
         N_("The person the customer forwarded an invoice or quote to (never a sign-in link)."),
         ORGANIZATION + CUSTOMER + DOCUMENT + [
             ("recipient.name", N_("The person it was forwarded to")),
             ("sender.name", N_("The contact person who forwarded it")),
             ("sender.email", N_("Their email address")),
             ("view_url", N_("Read-only link to this one document (required)")),
             ("expires_on", N_("When that link expires"))],
         required=("view_url",)),
    Kind("review_request", N_("Review request"),
         N_("The customer asked for a review (again each time you ask)."),
         ORGANIZATION + CUSTOMER + [
             ("recipient.name", N_("Who receives this email")),
             ("review_url", N_("Link to rate you and comment (required)"))],
         required=("review_url",)),
    Kind("statement", N_("Statement of account"),
         N_("The customer's portal contacts (the customer's email when the portal is not enabled), when staff "
         "email a statement; the statement's PDF is attached."),
         ORGANIZATION + CUSTOMER + [
             ("statement.from", N_("First day of the period")), ("statement.to", N_("Last day of the period")),
             ("statement.currency", N_("Currency")), ("statement.opening_balance", N_("Opening balance with its currency")),
             ("statement.closing_balance", N_("Closing balance with its currency")),
             ("statement.url", N_("The statement in the customer portal")),
             ("recipient.name", N_("Who receives this email")),
             ("portal_enabled", N_("Whether the customer can sign in to your portal (use with {% if %})")),
             ("portal_url", N_("Your portal's address"))]),
    Kind("payment_receipt", N_("Payment receipt"),
         N_("The customer's portal contacts (the customer's email when the portal is not enabled), for every "
         "payment, online or recorded by staff, while \"Email customers a receipt for every payment\" is on; "
         "the receipt's PDF is attached when your branding says so."),
         ORGANIZATION + CUSTOMER + DOCUMENT + [
             ("payment.amount", N_("The amount paid with its currency")), ("payment.date", N_("The day it was paid")),
             ("payment.mode", N_("How it was paid: Card, Bank transfer, Cash ...")),
             ("payment.reference", N_("The payment's reference (may be empty)")),
             ("payment.url", N_("The payments page of the customer portal")),
             ("document.balance", N_("What is left to pay on the invoice, with its currency")),
             ("recipient.name", N_("Who receives this email")),
             ("portal_enabled", N_("Whether the customer can sign in to your portal (use with {% if %})")),
             ("portal_url", N_("Your portal's address"))]),
    Kind("payment_refunded", N_("Refund"),
         N_("The customer's portal contacts (the customer's email when the portal is not enabled), when a payment "
         "is refunded (by you, or in Stripe's dashboard)."),
         ORGANIZATION + CUSTOMER + DOCUMENT + [
             ("refund.amount", N_("The amount refunded with its currency")), ("refund.date", N_("The day of the refund")),
             ("refund.reason", N_("Why (may be empty)")), ("payment.amount", N_("The payment it was taken from")),
             ("document.balance", N_("What is now left to pay on the invoice")),
             ("recipient.name", N_("Who receives this email")),
             ("portal_enabled", N_("Whether the customer can sign in to your portal (use with {% if %})")),
             ("portal_url", N_("Your portal's address"))]),
    Kind("autopay_failed", N_("Autopay failed"),
         N_("The customer's portal contacts (the customer's email when the portal is not enabled), when the "
         "automatic charge of an invoice on its due date did not go through; the invoice stays open."),
         ORGANIZATION + CUSTOMER + [
             ("document.number", N_("Invoice number")), ("document.balance", N_("What is due, with its currency")),
             ("document.url", N_("Link to pay it in the customer portal (required)")),
             ("error.message", N_("Why the card was refused")), ("recipient.name", N_("Who receives this email"))],
         required=("document",)),
    Kind("card_expiring", N_("Card expiring"),
         N_("The customer's portal contacts, when a card they saved expires this month (once)."),
         ORGANIZATION + CUSTOMER + [
             ("card.brand", N_("visa, mastercard ...")), ("card.last4", N_("Its last four digits")),
             ("card.expiry", N_("MM/YYYY")), ("autopay", N_("Whether autopay uses this card (use with {% if %})")),
             ("payment_methods_url", N_("Where they add a new card in the portal")),
             ("recipient.name", N_("Who receives this email"))]),
    Kind("staff_password_reset", N_("Staff password reset"),
         N_("The staff member who asked to reset their password."),
         ORGANIZATION + [("user.name", N_("The staff member")), ("reset_url", N_("Link to a new password")),
                         ("expires_on", N_("When the link expires"))],
         required=("reset_url",), editable=False),
]}

EDITABLE = [name for name, kind in KINDS.items() if kind.editable]


def sample(kind, organization_name=None, language=None, facts=None):
    """A context with every placeholder of `kind` filled with believable values (previews, checks),
    amounts and dates written as `language` writes them. `facts` — the organization's own name,
    email, phone, currency, portal address and Portico's address — make a preview look like the
    organization's own email (an invented customer stays invented)."""
    facts = facts or {}
    org = facts.get("name") or organization_name or "Acme Design"
    currency = facts.get("currency") or "EUR"
    site = (facts.get("public_url") or "https://portico.example").rstrip("/")
    _ = lambda message: i18n.gettext(language, message)  # noqa: E731
    amount = l10n.format_money("1250.00", currency, language)
    opening = l10n.format_money("250.00", currency, language)
    paid = l10n.format_money("1000.00", currency, language)

    def day(iso_day):
        return l10n.format_date(iso_day, language, "long")

    def moment(iso_moment):
        return l10n.format_datetime(iso_moment, language, "UTC", "long")
    olive = {"name": facts.get("staff_name") or "Olive Owner", "email": facts.get("staff_email") or "olive@acme.example"}
    portal = (facts.get("portal_url") or f"{site}/portal/acme-design").rstrip("/")
    customer = {"id": "sample-customer", "name": "Bob's Bikes", "display_name": "Bob's Bikes",
                "url": f"{site}/app/customers/sample-customer"}
    document = {"type": "invoice", "kind": "invoice", "number": "INV-000042", "amount": amount,
                "total": "1250.00", "currency": currency, "date": day("2026-12-02"),
                "due_date": day("2026-12-16"), "expiry_date": "", "balance": amount,
                "balance_due": "1250.00", "status": "sent", "url": f"{portal}/invoices/sample-invoice",
                "label": _("Invoice"), "name": _("invoice")}
    quote = dict(document, type="quote", kind="quote", label=_("Quote"), name=_("quote"), number="QT-000007",
                 due_date="", balance="", balance_due="", expiry_date=day("2026-12-31"),
                 url=f"{portal}/quotes/sample-quote")
    organization = {"name": org, "email": facts.get("email") or "hello@acme.example",
                    "phone": facts.get("phone") or "+49 30 1234567"}
    bob = {"name": "Bob Baker", "email": "bob@bikes.example"}
    base = {"organization": organization, "customer": customer, "recipient": bob}
    on_portal = {"portal_url": portal, "portal_enabled": True}
    samples = {
        "portal_invitation": dict(base, contact=bob, invite_url=f"{portal}/invite/SAMPLE-TOKEN",
                                  expires_on=moment("2026-12-09T10:00:00Z"), portal_url=portal),
        "password_reset": dict(base, contact=bob, reset_url=f"{portal}/reset/SAMPLE-TOKEN",
                               expires_on=moment("2026-12-03T11:00:00Z"), portal_url=portal),
        "invoice_sent": dict(base, document=document, invoice=document, **on_portal),
        "quote_sent": dict(base, document=quote, quote=quote, **on_portal),
        "comment_notification": dict(base, document=document, **on_portal, comment={
            "text": "We have added the delivery costs, as agreed.", "author": "Olive Owner"}),
        "portal_activity": dict(
            base, document=dict(quote, staff_url=f"{site}/app/quotes/sample-quote"),
            actor=bob, recipient=olive, staff=olive,
            activity={"kind": "quote_accepted",
                      "summary": i18n.gettext(language, "%(who)s accepted quote %(number)s", who=customer["name"],
                                              number="QT-000007"),
                      "details": i18n.gettext(language, "Quote %(number)s for %(amount)s was accepted by %(person)s.",
                                              number="QT-000007", amount=amount, person=bob["name"])},
            activity_url=f"{site}/app/activity",
            settings_url=f"{site}/app/settings/portal"),
        "document_forwarded": dict(
            base, document=document, sender=bob,
            recipient={"name": "Carla Accounts", "email": "carla@bikes.example"},
            view_url=f"{portal}/shared/SAMPLE-TOKEN",
            expires_on=moment("2026-12-16T10:00:00Z")),
        "review_request": dict(base, review_url=f"{portal}/reviews/sample-request"),
        "statement": dict(base, **on_portal, statement={
            "from": day("2026-11-01"), "to": day("2026-11-30"), "currency": currency,
            "opening_balance": opening, "closing_balance": amount,
            "url": f"{portal}/statement?from=2026-11-01&to=2026-11-30&currency={currency}"}),
        "payment_receipt": dict(base, document=dict(document, balance=opening, balance_due="250.00"),
                                **on_portal, payment={"amount": paid, "date": day("2026-12-02"),
                                                      "mode": _("Card"), "reference": "pi_3SampleIntent",
                                                      "url": f"{portal}/payments"}),
        "payment_refunded": dict(base, document=dict(document, balance=opening, balance_due="250.00"),
                                 **on_portal, payment={"amount": paid},
                                 refund={"amount": opening, "date": day("2026-12-03"),
                                         "reason": "Two items were returned."}),
        "autopay_failed": dict(base, document=dict(document, balance=opening),
                               error={"message": "Your card was declined."}),
        "card_expiring": dict(base, card={"brand": "visa", "last4": "4242", "expiry": "12/2026"}, autopay=True,
                              payment_methods_url=f"{portal}/payments"),
        "staff_password_reset": {"organization": organization, "recipient": olive, "user": olive,
                                 "reset_url": f"{site}/app/reset/SAMPLE-TOKEN",
                                 "expires_on": moment("2026-12-03T11:00:00Z")},
    }
    return samples[kind]
