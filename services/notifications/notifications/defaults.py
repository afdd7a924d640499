"""The default subject and body of every kind of email (what "Reset to default" brings back), in
each shipped language.

Bodies are plain text; the HTML part is made from them (paragraphs, clickable links). Block tags
(`{% if %}`) take no room of their own: the environment trims the newline after them.

Each line that says something is a message of the shared catalogs (N_): `default_template(kind,
language)` translates the English text line by line, so a translation keeps its placeholders and
block tags exactly (tests/i18n checks the placeholders) and the structure stays here, once.
"""
import re

from portico_kit import i18n
from portico_kit.i18n import N_


def lines(*parts):
    return "\n".join(parts)


DEFAULTS = {
    "portal_invitation": {
        "subject": N_("{{ organization.name }} invites you to their customer portal"),
        "body": lines(
            N_("Hello {{ contact.name }},"),
            "",
            N_("{{ organization.name }} has opened a customer portal for {{ customer.name }}. There you can see your invoices and quotes, pay online and get in touch."),
            "",
            N_("Accept the invitation and choose your password:"),
            "{{ invite_url }}",
            "",
            N_("The link works once and expires on {{ expires_on }}."),
            "",
            "{{ organization.name }}",
        ),
    },
    "password_reset": {
        "subject": N_("Reset your password for the {{ organization.name }} customer portal"),
        "body": lines(
            N_("Hello {{ contact.name }},"),
            "",
            N_("Someone, hopefully you, asked to reset the password you use to sign in to the customer portal of {{ organization.name }}."),
            "",
            N_("Choose a new password here:"),
            "{{ reset_url }}",
            "",
            N_("The link works once and expires on {{ expires_on }}. If you did not ask for this, ignore this email: your password stays as it is."),
            "",
            "{{ organization.name }}",
        ),
    },
    "invoice_sent": {
        "subject": N_("Invoice {{ document.number }} from {{ organization.name }}"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("{{ organization.name }} has sent you invoice {{ document.number }} for {{ document.amount }}, due on {{ document.due_date }}."),
            "",
            "{% if portal_enabled %}",
            N_("View and pay it in your customer portal:"),
            "{{ document.url }}",
            "{% else %}",
            N_("If you have any question about it, just get in touch."),
            "{% endif %}",
            "",
            N_("Thank you for your business."),
            "",
            "{{ organization.name }}",
        ),
    },
    "quote_sent": {
        "subject": N_("Quote {{ document.number }} from {{ organization.name }}"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("{{ organization.name }} has sent you quote {{ document.number }} for {{ document.amount }}{% if document.expiry_date %}, valid until {{ document.expiry_date }}{% endif %}."),
            "",
            "{% if portal_enabled %}",
            N_("Review it, then accept or decline it in your customer portal:"),
            "{{ document.url }}",
            "{% else %}",
            N_("If you have any question about it, just get in touch."),
            "{% endif %}",
            "",
            "{{ organization.name }}",
        ),
    },
    "comment_notification": {
        "subject": N_("{{ organization.name }} commented on {{ document.name }} {{ document.number }}"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("{{ comment.author }} of {{ organization.name }} wrote on {{ document.name }} {{ document.number }}:"),
            "",
            "{{ comment.text }}",
            "",
            "{% if portal_enabled %}",
            N_("Read the conversation and reply in your customer portal:"),
            "{{ document.url }}",
            "{% else %}",
            N_("To answer, get in touch with {{ organization.name }}{% if organization.email %} at {{ organization.email }}{% endif %}."),
            "{% endif %}",
            "",
            "{{ organization.name }}",
        ),
    },
    "portal_activity": {
        "subject": "{{ activity.summary }}",
        "body": lines(
            N_("Hello {{ staff.name }},"),
            "",
            "{{ activity.summary }}.",
            "",
            "{% if activity.details %}",
            "{{ activity.details }}",
            "",
            "{% endif %}",
            "{% if document and document.staff_url %}",
            "{{ document.label }} {{ document.number }}:",
            "{{ document.staff_url }}",
            "",
            "{% endif %}",
            N_("Customer:"),
            "{{ customer.url }}",
            "",
            N_("All portal activity:"),
            "{{ activity_url }}",
            "",
            N_("You get this email because \"Email me on every portal activity\" is on in your portal settings: {{ settings_url }}"),
        ),
    },
    "document_forwarded": {
        "subject": N_("{{ sender.name }} shared {{ document.name }} {{ document.number }} from {{ organization.name }} with you"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("{{ sender.name }} ({{ sender.email }}, {{ customer.name }}) forwarded you {{ document.name }} {{ document.number }} from {{ organization.name }}, for {{ document.amount }}."),
            "",
            N_("View it here (read-only, until {{ expires_on }}):"),
            "{{ view_url }}",
            "",
            "{{ organization.name }}",
        ),
    },
    "review_request": {
        "subject": N_("How did we do? {{ organization.name }} would love your review"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("Thank you for choosing {{ organization.name }}. Would you take a minute to tell us how we did? Rate us from 1 to 5 and leave a comment:"),
            "",
            "{{ review_url }}",
            "",
            N_("Your feedback helps us improve."),
            "",
            "{{ organization.name }}",
        ),
    },
    "statement": {
        "subject": N_("Your statement of account from {{ organization.name }}"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("Attached is your statement of account with {{ organization.name }} from {{ statement.from }} to {{ statement.to }}. The balance on {{ statement.to }} is {{ statement.closing_balance }}."),
            "",
            "{% if portal_enabled %}",
            N_("You can see it, and choose any other period, in your customer portal:"),
            "{{ statement.url }}",
            "{% else %}",
            N_("If anything in it looks wrong to you, just get in touch."),
            "{% endif %}",
            "",
            "{{ organization.name }}",
        ),
    },
    "payment_receipt": {
        "subject": N_("Receipt for your payment of {{ payment.amount }} to {{ organization.name }}"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("Thank you: {{ organization.name }} received your payment of {{ payment.amount }} on {{ payment.date }} for invoice {{ document.number }} ({{ payment.mode }}{% if payment.reference %}, {{ payment.reference }}{% endif %})."),
            "",
            "{% if document.status == 'paid' %}",
            N_("The invoice is now paid in full."),
            "{% else %}",
            N_("Still to pay on this invoice: {{ document.balance }}."),
            "{% endif %}",
            "",
            "{% if portal_enabled %}",
            N_("Your payments and their receipts are in your customer portal:"),
            "{{ payment.url }}",
            "{% endif %}",
            "",
            "{{ organization.name }}",
        ),
    },
    "payment_refunded": {
        "subject": N_("{{ organization.name }} refunded {{ refund.amount }}"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("{{ organization.name }} refunded {{ refund.amount }} of your payment of {{ payment.amount }} for invoice {{ document.number }} on {{ refund.date }}.{% if refund.reason %} Reason: {{ refund.reason }}{% endif %}"),
            "",
            N_("It goes back the way you paid; a card refund can take a few days to show."),
            "",
            "{% if portal_enabled %}",
            N_("See the invoice in your customer portal:"),
            "{{ document.url }}",
            "{% endif %}",
            "",
            "{{ organization.name }}",
        ),
    },
    "autopay_failed": {
        "subject": N_("Your automatic payment of invoice {{ document.number }} did not go through"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("We tried to charge your saved card for invoice {{ document.number }} ({{ document.balance }}) today, as your autopay is set up to, but it did not go through: {{ error.message }}"),
            "",
            N_("The invoice is still open. You can pay it with another card here:"),
            "{{ document.url }}",
            "",
            "{{ organization.name }}",
        ),
    },
    "card_expiring": {
        "subject": N_("Your saved card ending in {{ card.last4 }} expires this month"),
        "body": lines(
            N_("Hello {{ recipient.name }},"),
            "",
            N_("The {{ card.brand }} card ending in {{ card.last4 }} that you saved with {{ organization.name }} expires at the end of this month ({{ card.expiry }}).{% if autopay %} Your autopay uses it: add a new card so that your invoices keep being paid on time.{% endif %}"),
            "",
            "{% if payment_methods_url %}",
            N_("Add a card the next time you pay in your customer portal:"),
            "{{ payment_methods_url }}",
            "{% endif %}",
            "",
            "{{ organization.name }}",
        ),
    },
    "staff_password_reset": {
        "subject": N_("Reset your Portico password"),
        "body": lines(
            N_("Hello {{ user.name }},"),
            "",
            N_("Someone, hopefully you, asked to reset the password of your Portico account at {{ organization.name }}."),
            "",
            N_("Choose a new password here:"),
            "{{ reset_url }}",
            "",
            N_("The link works once and expires on {{ expires_on }}. If you did not ask for this, ignore this email: your password stays as it is."),
        ),
    },
}

_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _says_something(line):
    return bool(re.search(r"[^\W\d_]{2}", _TAGS.sub("", line)))


def _translated(language, text):
    return i18n.gettext(language, text) if _says_something(text) else text


def default_template(kind, language=None):
    """{subject, body} of the default template of `kind` in `language` (English when not shipped)."""
    english = DEFAULTS[kind]
    return {"subject": _translated(language, english["subject"]),
            "body": "\n".join(_translated(language, line) for line in english["body"].split("\n"))}
