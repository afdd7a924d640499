"""The default subject and body of every kind of email (what "Reset to default" brings back).

Bodies are plain text; the HTML part is made from them (paragraphs, clickable links). Block tags
(`{% if %}`) take no room of their own: the environment trims the newline after them.
"""

DEFAULTS = {
    "portal_invitation": {
        "subject": "{{ organization.name }} invites you to their customer portal",
        "body": (
            "Hello {{ contact.name }},\n\n"
            "{{ organization.name }} has opened a customer portal for {{ customer.name }}. "
            "There you can see your invoices and quotes, pay online and get in touch.\n\n"
            "Accept the invitation and choose your password:\n{{ invite_url }}\n\n"
            "The link works once and expires on {{ expires_on }}.\n\n"
            "{{ organization.name }}"
        ),
    },
    "password_reset": {
        "subject": "Reset your password for the {{ organization.name }} customer portal",
        "body": (
            "Hello {{ contact.name }},\n\n"
            "Someone, hopefully you, asked to reset the password you use to sign in to the customer "
            "portal of {{ organization.name }}.\n\n"
            "Choose a new password here:\n{{ reset_url }}\n\n"
            "The link works once and expires on {{ expires_on }}. If you did not ask for this, ignore "
            "this email: your password stays as it is.\n\n"
            "{{ organization.name }}"
        ),
    },
    "invoice_sent": {
        "subject": "Invoice {{ document.number }} from {{ organization.name }}",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "{{ organization.name }} has sent you invoice {{ document.number }} for {{ document.amount }}, "
            "due on {{ document.due_date }}.\n\n"
            "{% if portal_enabled %}\n"
            "View and pay it in your customer portal:\n{{ document.url }}\n"
            "{% else %}\n"
            "If you have any question about it, just get in touch.\n"
            "{% endif %}\n\n"
            "Thank you for your business.\n\n"
            "{{ organization.name }}"
        ),
    },
    "quote_sent": {
        "subject": "Quote {{ document.number }} from {{ organization.name }}",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "{{ organization.name }} has sent you quote {{ document.number }} for {{ document.amount }}"
            "{% if document.expiry_date %}, valid until {{ document.expiry_date }}{% endif %}.\n\n"
            "{% if portal_enabled %}\n"
            "Review it, then accept or decline it in your customer portal:\n{{ document.url }}\n"
            "{% else %}\n"
            "If you have any question about it, just get in touch.\n"
            "{% endif %}\n\n"
            "{{ organization.name }}"
        ),
    },
    "comment_notification": {
        "subject": "{{ organization.name }} commented on {{ document.kind }} {{ document.number }}",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "{{ comment.author }} of {{ organization.name }} wrote on {{ document.kind }} "
            "{{ document.number }}:\n\n"
            "{{ comment.text }}\n\n"
            "{% if portal_enabled %}\n"
            "Read the conversation and reply in your customer portal:\n{{ document.url }}\n"
            "{% else %}\n"
            "To answer, get in touch with {{ organization.name }}"
            "{% if organization.email %} at {{ organization.email }}{% endif %}.\n"
            "{% endif %}\n\n"
            "{{ organization.name }}"
        ),
    },
    "portal_activity": {
        "subject": "{{ activity.summary }}",
        "body": (
            "Hello {{ staff.name }},\n\n"
            "{{ activity.summary }}.\n\n"
            "{% if activity.details %}\n"
            "{{ activity.details }}\n\n"
            "{% endif %}\n"
            "{% if document and document.staff_url %}\n"
            "{{ document.label }} {{ document.number }}:\n{{ document.staff_url }}\n\n"
            "{% endif %}\n"
            "Customer:\n{{ customer.url }}\n\n"
            "All portal activity:\n{{ activity_url }}\n\n"
            "You get this email because \"Email me on every portal activity\" is on in your portal "
            "settings: {{ settings_url }}"
        ),
    },
    "document_forwarded": {
        "subject": "{{ sender.name }} shared {{ document.kind }} {{ document.number }} from "
                   "{{ organization.name }} with you",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "{{ sender.name }} ({{ sender.email }}, {{ customer.name }}) forwarded you {{ document.kind }} "
            "{{ document.number }} from {{ organization.name }}, for {{ document.amount }}.\n\n"
            "View it here (read-only, until {{ expires_on }}):\n{{ view_url }}\n\n"
            "{{ organization.name }}"
        ),
    },
    "review_request": {
        "subject": "How did we do? {{ organization.name }} would love your review",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "Thank you for choosing {{ organization.name }}. Would you take a minute to tell us how we "
            "did? Rate us from 1 to 5 and leave a comment:\n\n"
            "{{ review_url }}\n\n"
            "Your feedback helps us improve.\n\n"
            "{{ organization.name }}"
        ),
    },
    "statement": {
        "subject": "Your statement of account from {{ organization.name }}",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "Attached is your statement of account with {{ organization.name }} from {{ statement.from }} "
            "to {{ statement.to }}. The balance on {{ statement.to }} is {{ statement.closing_balance }}.\n\n"
            "{% if portal_enabled %}\n"
            "You can see it, and choose any other period, in your customer portal:\n{{ statement.url }}\n"
            "{% else %}\n"
            "If anything in it looks wrong to you, just get in touch.\n"
            "{% endif %}\n\n"
            "{{ organization.name }}"
        ),
    },
    "payment_receipt": {
        "subject": "Receipt for your payment of {{ payment.amount }} to {{ organization.name }}",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "Thank you: {{ organization.name }} received your payment of {{ payment.amount }} on "
            "{{ payment.date }} for invoice {{ document.number }} ({{ payment.mode }}"
            "{% if payment.reference %}, {{ payment.reference }}{% endif %}).\n\n"
            "{% if document.status == 'paid' %}\n"
            "The invoice is now paid in full.\n"
            "{% else %}\n"
            "Still to pay on this invoice: {{ document.balance }}.\n"
            "{% endif %}\n\n"
            "{% if portal_enabled %}\n"
            "Your payments and their receipts are in your customer portal:\n{{ payment.url }}\n"
            "{% endif %}\n\n"
            "{{ organization.name }}"
        ),
    },
    "payment_refunded": {
        "subject": "{{ organization.name }} refunded {{ refund.amount }}",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "{{ organization.name }} refunded {{ refund.amount }} of your payment of {{ payment.amount }} "
            "for invoice {{ document.number }} on {{ refund.date }}."
            "{% if refund.reason %} Reason: {{ refund.reason }}{% endif %}\n\n"
            "It goes back the way you paid; a card refund can take a few days to show.\n\n"
            "{% if portal_enabled %}\n"
            "See the invoice in your customer portal:\n{{ document.url }}\n"
            "{% endif %}\n\n"
            "{{ organization.name }}"
        ),
    },
    "autopay_failed": {
        "subject": "Your automatic payment of invoice {{ document.number }} did not go through",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "We tried to charge your saved card for invoice {{ document.number }} ({{ document.balance }}) "
            "today, as your autopay is set up to, but it did not go through: {{ error.message }}\n\n"
            "The invoice is still open. You can pay it with another card here:\n{{ document.url }}\n\n"
            "{{ organization.name }}"
        ),
    },
    "card_expiring": {
        "subject": "Your saved card ending in {{ card.last4 }} expires this month",
        "body": (
            "Hello {{ recipient.name }},\n\n"
            "The {{ card.brand }} card ending in {{ card.last4 }} that you saved with {{ organization.name }} "
            "expires at the end of this month ({{ card.expiry }})."
            "{% if autopay %} Your autopay uses it: add a new card so that your invoices keep being paid "
            "on time.{% endif %}\n\n"
            "{% if payment_methods_url %}\n"
            "Add a card the next time you pay in your customer portal:\n{{ payment_methods_url }}\n"
            "{% endif %}\n\n"
            "{{ organization.name }}"
        ),
    },
    "staff_password_reset": {
        "subject": "Reset your Portico password",
        "body": (
            "Hello {{ user.name }},\n\n"
            "Someone, hopefully you, asked to reset the password of your Portico account at "
            "{{ organization.name }}.\n\n"
            "Choose a new password here:\n{{ reset_url }}\n\n"
            "The link works once and expires on {{ expires_on }}. If you did not ask for this, ignore "
            "this email: your password stays as it is."
        ),
    },
}
