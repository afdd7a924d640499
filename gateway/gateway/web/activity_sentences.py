"""The portal activity log in the reader's language: one sentence per entry ("Bob Baker (Bob's Bikes)
accepted quote QT-000007"), built here from the entry's facts rather than taken from the service's
English `summary`, so staff read it in their own language with amounts in their locale."""
from flask_babel import gettext

from portico_kit.i18n import N_

from ..reader import reader

SENTENCES = {
    "quote_accepted": N_("%(who)s accepted %(document)s"),
    "quote_declined": N_("%(who)s declined %(document)s"),
    "comment_added": N_("%(who)s commented on %(document)s"),
    "payment_recorded": N_("%(who)s paid %(amount)s on %(document)s"),
    "customer_updated": N_("%(who)s updated their details"),
    "document_forwarded": N_("%(who)s forwarded %(document)s to %(recipient)s"),
    "review_submitted": N_("%(who)s left a %(rating)s-star review"),
    "signed_in": N_("%(who)s signed in"),
    "invitation_accepted": N_("%(who)s accepted the portal invitation"),
    "invoice_viewed": N_("%(who)s viewed %(document)s"),
    "quote_viewed": N_("%(who)s viewed %(document)s"),
}
# a document inside a sentence ("accepted quote QT-7"): lower case in English, as other languages write it
DOCUMENT_NAMES = {"invoice": N_("invoice %(number)s"), "quote": N_("quote %(number)s"),
                  "receipt": N_("receipt %(number)s"), "statement": N_("statement %(number)s")}


def activity_sentence(item):
    contact = (item.get("contact") or {}).get("name")
    customer = item.get("customer_name")
    who = contact or customer or gettext("A customer")
    if contact and customer and contact != customer:
        who = f"{contact} ({customer})"
    document = item.get("document") or {}
    if document.get("number"):
        name = DOCUMENT_NAMES.get(document.get("type"))
        named = gettext(name, number=document["number"]) if name else f"{document.get('type')} {document['number']}"
    else:
        named = gettext("a document")
    details = item.get("details") or {}
    sentence = SENTENCES.get(item.get("kind"))
    if not sentence:
        return item.get("summary") or f"{who}: {item.get('kind')}"
    return gettext(sentence, who=who, document=named,
                   amount=reader().money(details.get("amount"), details.get("currency")),
                   recipient=(details.get("recipient") or {}).get("email") or gettext("someone"),
                   rating=details.get("rating"))
