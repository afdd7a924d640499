"""Who gets which email for each event, and with what values (the template context).

`plan(envelope, lookup)` -> [Mail]. It only reads: the event, and what `lookup` fetches from the
other services (organization, portal preferences, staff, portal contacts, the customer). Who
receives what is documented in docs/notifications.md; keep the two in step.
"""
from dataclasses import dataclass, field

from portico_kit import i18n, l10n
from portico_kit.i18n import N_


@dataclass
class Mail:
    kind: str
    to_email: str
    to_name: str
    context: dict
    from_name: str | None = None   # "<organization> via Portico" for mail on the organization's behalf
    reply_to: str | None = None    # the organization's email, so customers' replies reach it
    extra: dict = field(default_factory=dict)
    branding: dict | None = None   # the organization's logo URL and accent colour, for the HTML part
    attachment: dict | None = None  # a PDF from the documents service: {kind, ref, params}
    language: str = "en"           # the recipient's: the template, words, numbers and dates are in it
    org_language: str = "en"       # whose template a language without one of its own falls back to


# -- formatting ---------------------------------------------------------------------------------

def day(value, locale=None):
    """'2026-12-02' (or a timestamp) -> 'December 2, 2026' (en), '2. Dezember 2026' (de)."""
    return l10n.format_date(value, locale, "long") if value else ""


def moment(value, locale=None, timezone_name=None):
    """'2026-12-02T10:00:00Z' -> 'December 2, 2026, 10:00 AM UTC', in the organization's time zone."""
    return l10n.format_datetime(value, locale, timezone_name, "long") if value else ""


def money(amount, currency, locale=None):
    """The one money formatter (portico_kit.l10n): 'USD', '1250.5' -> '$1,250.50'."""
    return l10n.format_money(amount, currency, locale) if amount not in (None, "") else ""


# -- whose language ------------------------------------------------------------------------------

def org_language(org):
    return l10n.pick_language(org.get("language"))


def org_country(org):
    country = (org.get("address") or {}).get("country") if isinstance(org.get("address"), dict) else None
    return country.upper() if isinstance(country, str) and len(country) == 2 else None


class Reader:
    """One recipient's language and the organization's country and time zone, for the values of
    an email: `1.250,50 €` and `2. Dezember 2026` for a German reader."""

    def __init__(self, language, org):
        self.language = l10n.pick_language(language, org_language(org))
        self.locale = l10n.locale_for(self.language, org_country(org))
        self.timezone = org.get("timezone") or "UTC"

    def _(self, message, **values):
        return i18n.gettext(self.language, message, **values)

    def day(self, value):
        return day(value, self.locale)

    def moment(self, value):
        return moment(value, self.locale, self.timezone)

    def money(self, amount, currency):
        return money(amount, currency, self.locale)


# a document's kind in words: capitalised on its own ("Invoice"), in a sentence ("invoice")
DOCUMENT_LABELS = {"invoice": N_("Invoice"), "quote": N_("Quote"), "receipt": N_("Receipt"),
                   "statement": N_("Statement")}
DOCUMENT_NAMES = {"invoice": N_("invoice"), "quote": N_("quote"), "receipt": N_("receipt"),
                  "statement": N_("statement")}


def clean(text):
    """A name fit for a header: one line, no control characters."""
    return " ".join(str(text or "").split())[:200]


# -- building blocks ----------------------------------------------------------------------------

def customer_of(data):
    customer = data.get("customer") or {}
    name = customer.get("display_name") or customer.get("name") or ""
    return {"id": customer.get("id"), "name": name, "display_name": name}


def document_of(data, portal_url=None, reader=None):
    """The billing document of an event, whichever key the event carries it under, with its
    amounts, dates and kind in the reader's language."""
    reader = reader or Reader(None, {})
    if data.get("invoice") and not data.get("payment"):
        doc, kind = data["invoice"], "invoice"
    elif data.get("quote"):
        doc, kind = data["quote"], "quote"
    elif data.get("document"):
        doc = data["document"]
        kind = doc.get("type") or "invoice"
    elif data.get("invoice"):  # payment_recorded: the invoice that was paid
        doc, kind = data["invoice"], "invoice"
    else:
        return None
    currency = doc.get("currency") or (data.get("payment") or {}).get("currency") or ""
    result = {
        "id": doc.get("id"), "type": kind, "kind": kind,
        "label": reader._(DOCUMENT_LABELS[kind]) if kind in DOCUMENT_LABELS else kind.capitalize(),
        "name": reader._(DOCUMENT_NAMES[kind]) if kind in DOCUMENT_NAMES else kind,
        "number": doc.get("number") or "", "status": doc.get("status") or "",
        "currency": currency, "total": doc.get("total") or "", "amount": reader.money(doc.get("total"), currency),
        "balance_due": doc.get("balance_due") or "", "balance": reader.money(doc.get("balance_due"), currency),
        "date": reader.day(doc.get("date")), "due_date": reader.day(doc.get("due_date")),
        "expiry_date": reader.day(doc.get("expiry_date")), "url": "",
    }
    if portal_url and doc.get("id"):
        result["url"] = f"{portal_url}/{kind}s/{doc['id']}"
    return result


def organization_context(org):
    return {"name": org.get("name") or "", "email": org.get("email") or "", "phone": org.get("phone") or ""}


def customer_recipients(lookup, org_id, customer_id):
    """[(email, name, language)], on_portal: the customer's portal contacts, else the customer's own
    email. A person's language is their own choice, else their customer's (None: the organization's)."""
    access = lookup.portal_access(org_id, customer_id)
    if access.get("enabled"):
        people = _unique((c.get("email"), c.get("name"), c.get("language")) for c in access.get("contacts", [])
                         if c.get("status") in ("active", "invited"))
        if people:
            return people, True
    customer = lookup.customer(org_id, customer_id)
    if customer is None:  # deleted meanwhile: nobody to tell
        return [], False
    contacts = customer.get("contacts") or []
    primary = next((c for c in contacts if c.get("is_primary") and c.get("email")), None)
    anyone = next((c for c in contacts if c.get("email")), None)
    own = customer.get("language")
    if customer.get("email"):
        return _unique([(customer["email"], (primary or {}).get("name") or customer.get("display_name"),
                         (primary or {}).get("language") or own)]), False
    chosen = primary or anyone
    if chosen:
        return _unique([(chosen["email"], chosen.get("name") or customer.get("display_name"),
                         chosen.get("language") or own)]), False
    return [], False


def customer_language(lookup, org_id, customer_id):
    """The customer's own language (None: the organization's), for someone who is no contact yet."""
    customer = lookup.customer(org_id, customer_id) if customer_id else None
    return (customer or {}).get("language")


def _unique(people):
    seen, result = set(), []
    for email, name, language in people:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            result.append((email.lower(), clean(name), language))
    return result


# -- one planner per event type -----------------------------------------------------------------

def _on_behalf(kind, org, people, context, attachment=None, branding=None):
    """Customer-facing mail: from "<organization> via Portico", replies to the organization, in
    each recipient's language. `context` is a dict, or a function of the Reader that makes one
    (made once per language)."""
    made, mails = {}, []
    for email, name, language in people:
        reader = Reader(language, org)
        if reader.language not in made:
            made[reader.language] = context(reader) if callable(context) else context
        mails.append(Mail(kind, email, name, dict(made[reader.language], recipient={"name": name, "email": email}),
                          from_name=clean(org.get("name")) or None, reply_to=org.get("email") or None,
                          branding=branding or org.get("branding"), attachment=attachment,
                          language=reader.language, org_language=org_language(org)))
    return mails


def invitation(envelope, lookup):
    data = envelope["data"]
    org = lookup.organization(envelope["org_id"], data.get("organization", {}).get("name"))
    contact = data["contact"]

    def context(reader):
        return {"organization": organization_context(org), "customer": customer_of(data),
                "contact": {"name": contact.get("name") or "", "email": contact["email"]},
                "invite_url": data["invite_url"], "expires_on": reader.moment(data["invitation"].get("expires_at")),
                "portal_url": (data.get("portal") or {}).get("url") or ""}
    return _on_behalf("portal_invitation", org, [(contact["email"].lower(), clean(contact.get("name")),
                                                   contact.get("language"))], context)


def portal_password_reset(envelope, lookup):
    data = envelope["data"]
    org = lookup.organization(envelope["org_id"], data.get("organization", {}).get("name"))
    contact = data["contact"]

    def context(reader):
        return {"organization": organization_context(org), "customer": customer_of(data),
                "contact": {"name": contact.get("name") or "", "email": contact["email"]},
                "reset_url": data["reset_url"], "expires_on": reader.moment(data.get("expires_at")),
                "portal_url": (data.get("portal") or {}).get("url") or ""}
    return _on_behalf("password_reset", org, [(contact["email"].lower(), clean(contact.get("name")),
                                                contact.get("language"))], context)


def staff_password_reset(envelope, lookup):
    """Portico's own mail to a staff member: never on the organization's template; in their language."""
    data = envelope["data"]
    user = data["user"]
    org = dict(lookup.organization(envelope["org_id"], (data.get("organization") or {}).get("name")))
    org["name"] = (data.get("organization") or {}).get("name") or org.get("name") or ""
    reader = Reader(user.get("language"), org)
    context = {"organization": organization_context(org), "user": {"name": user.get("name") or "",
                                                                   "email": user["email"]},
               "recipient": {"name": user.get("name") or "", "email": user["email"]},
               "reset_url": data["reset_url"], "expires_on": reader.moment(data.get("expires_at"))}
    return [Mail("staff_password_reset", user["email"].lower(), clean(user.get("name")), context,
                 language=reader.language, org_language=org_language(org))]


def document_sent(kind):
    def planner(envelope, lookup):
        data, org_id = envelope["data"], envelope["org_id"]
        org = lookup.organization(org_id)
        prefs = lookup.preferences(org_id, org.get("name"))
        ids = document_of(data)
        people, on_portal = customer_recipients(lookup, org_id, document_customer(data, ids))

        def context(reader):
            document = document_of(data, prefs.get("portal_url"), reader)
            return {"organization": organization_context(org), "customer": customer_of(data),
                    "document": document, kind.split("_")[0]: document, "portal_enabled": on_portal,
                    "portal_url": prefs.get("portal_url") or ""}
        branding = lookup.branding(org_id) if people else {}  # fresh: "attach PDFs" is a switch
        attachment = {"kind": ids["kind"], "ref": ids["id"]} if branding.get("attach_pdf_to_emails") else None
        return _on_behalf(kind, org, people, context, attachment, branding)
    return planner


def statement_sent(envelope, lookup):
    """Staff emailed the statement of account: to the customer's contacts, always with its PDF."""
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    statement = data["statement"]
    currency = statement.get("currency")
    people, on_portal = customer_recipients(lookup, org_id, data["customer"]["id"])
    portal_url = prefs.get("portal_url") or ""

    def context(reader):
        return {"organization": organization_context(org), "customer": customer_of(data),
                "statement": {"from": reader.day(statement.get("from")), "to": reader.day(statement.get("to")),
                              "currency": currency,
                              "opening_balance": reader.money(statement.get("opening_balance"), currency),
                              "closing_balance": reader.money(statement.get("closing_balance"), currency),
                              "url": f"{portal_url}/statement?from={statement.get('from')}&to={statement.get('to')}"
                                     f"&currency={currency}" if portal_url else ""},
                "portal_enabled": on_portal, "portal_url": portal_url}
    attachment = {"kind": "statement", "ref": data["customer"]["id"],
                  "params": {"from": statement.get("from"), "to": statement.get("to"), "currency": currency}}
    return _on_behalf("statement", org, people, context, attachment, lookup.branding(org_id) if people else None)


PAYMENT_MODES = {"bank_transfer": N_("Bank transfer"), "cash": N_("Cash"), "cheque": N_("Cheque"),
                 "card": N_("Card"), "other": N_("Other")}


def payment_recorded(envelope, lookup):
    """Staff hear of a portal payment (portal activity); the customer gets a receipt for every
    payment, online or recorded by staff, unless the organization switched receipts off."""
    mails = portal_activity(envelope, lookup)
    data, org_id = envelope["data"], envelope["org_id"]
    payment = data.get("payment") or {}
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    if prefs.get("send_payment_receipts") is False:
        return mails
    portal_url = prefs.get("portal_url") or ""
    people, on_portal = customer_recipients(lookup, org_id, data["customer"]["id"])
    currency = payment.get("currency")

    def context(reader):
        mode = payment.get("mode")
        return {"organization": organization_context(org), "customer": customer_of(data),
                "document": document_of(data, portal_url, reader),
                "payment": {"amount": reader.money(payment.get("amount"), currency),
                            "date": reader.day(payment.get("date")),
                            "mode": reader._(PAYMENT_MODES[mode]) if mode in PAYMENT_MODES else (mode or ""),
                            "reference": payment.get("reference") or "",
                            "url": f"{portal_url}/payments" if portal_url else ""},
                "portal_enabled": on_portal, "portal_url": portal_url}
    branding = lookup.branding(org_id) if people else {}
    attachment = ({"kind": "receipt", "ref": payment["id"]}
                  if branding.get("attach_pdf_to_emails") and payment.get("id") else None)
    return mails + _on_behalf("payment_receipt", org, people, context, attachment, branding)


def payment_refunded(envelope, lookup):
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    portal_url = prefs.get("portal_url") or ""
    refund, payment = data.get("refund") or {}, data.get("payment") or {}
    currency = refund.get("currency")
    people, on_portal = customer_recipients(lookup, org_id, data["customer"]["id"])

    def context(reader):
        return {"organization": organization_context(org), "customer": customer_of(data),
                "document": document_of({"invoice": data.get("invoice")}, portal_url, reader),
                "refund": {"amount": reader.money(refund.get("amount"), currency),
                           "date": reader.day(refund.get("date")), "reason": refund.get("reason") or ""},
                "payment": {"amount": reader.money(payment.get("amount"), currency)},
                "portal_enabled": on_portal, "portal_url": portal_url}
    return _on_behalf("payment_refunded", org, people, context)


def autopay_failed(envelope, lookup):
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    invoice = data.get("invoice") or {}
    people, _on_portal = customer_recipients(lookup, org_id, data["customer"]["id"])

    def context(reader):
        return {"organization": organization_context(org), "customer": customer_of(data),
                "document": document_of({"invoice": invoice}, prefs.get("portal_url"), reader),
                "error": {"message": (data.get("error") or {}).get("message") or ""}}
    return _on_behalf("autopay_failed", org, people, context)


def card_expiring(envelope, lookup):
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    card = data.get("card") or {}
    people, _on_portal = customer_recipients(lookup, org_id, data["customer"]["id"])
    portal_url = prefs.get("portal_url") or ""
    context = {"organization": organization_context(org), "customer": customer_of(data),
               "card": {"brand": (card.get("brand") or "card").capitalize(), "last4": card.get("last4") or "",
                        "expiry": f"{int(card.get('exp_month') or 0):02d}/{card.get('exp_year') or ''}"},
               "autopay": bool(data.get("autopay")),
               "payment_methods_url": f"{portal_url}/payments" if portal_url else ""}
    return _on_behalf("card_expiring", org, people, context)


def document_customer(data, document):
    return data["customer"]["id"]


def comment_added(envelope, lookup):
    data, org_id = envelope["data"], envelope["org_id"]
    comment = data.get("comment") or {}
    author = comment.get("author") or {}
    if (author.get("kind") or (envelope.get("actor") or {}).get("kind")) == "customer":
        return portal_activity(envelope, lookup)
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    if not prefs.get("notify_customer_on_comment"):
        return []
    people, on_portal = customer_recipients(lookup, org_id, document_customer(data, None))

    def context(reader):
        return {"organization": organization_context(org), "customer": customer_of(data),
                "document": document_of(data, prefs.get("portal_url"), reader),
                "comment": {"text": comment.get("text") or "", "author": author.get("name") or org.get("name")},
                "portal_enabled": on_portal, "portal_url": prefs.get("portal_url") or ""}
    return _on_behalf("comment_notification", org, people, context)


def document_forwarded(envelope, lookup):
    """To the person it was forwarded to, with the read-only view link and nothing that signs in;
    in the customer's language (the person is one of theirs)."""
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    recipient = data["recipient"]
    sender = envelope.get("actor") or {}
    language = recipient.get("language") or customer_language(lookup, org_id, customer_of(data)["id"])

    def context(reader):
        document = document_of(data, None, reader)
        document["url"] = data["view_url"]
        return {"organization": organization_context(org), "customer": customer_of(data), "document": document,
                "sender": {"name": sender.get("name") or customer_of(data)["name"],
                           "email": sender.get("email") or ""},
                "view_url": data["view_url"], "expires_on": reader.moment(data.get("expires_at"))}
    return _on_behalf("document_forwarded", org, [(recipient["email"].lower(), clean(recipient.get("name")),
                                                    language)], context)


def review_requested(envelope, lookup):
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    recipient = data["recipient"]
    language = recipient.get("language") or customer_language(lookup, org_id, customer_of(data)["id"])
    context = {"organization": organization_context(org), "customer": customer_of(data),
               "review_url": data["review_url"]}
    return _on_behalf("review_request", org, [(recipient["email"].lower(), clean(recipient.get("name")),
                                                language)], context)


# -- portal activity, to staff ------------------------------------------------------------------

def describe_activity(envelope, reader=None):
    """(kind, summary, details) of a customer's portal action in the reader's language, or None
    when it is not one."""
    reader = reader or Reader(None, {})
    _ = reader._
    event_type, data = envelope["event_type"], envelope["data"]
    actor = envelope.get("actor") or {}
    by_customer = actor.get("kind") == "customer"
    who = customer_of(data)["name"] or _("A customer")
    person = actor.get("name") or who
    document = document_of(data, None, reader)
    if event_type in ("quote_accepted", "quote_declined") and by_customer:
        if event_type == "quote_accepted":
            summary = _("%(who)s accepted quote %(number)s", who=who, number=document["number"])
            details = _("Quote %(number)s for %(amount)s was accepted by %(person)s.", number=document["number"],
                        amount=document["amount"], person=person)
        else:
            summary = _("%(who)s declined quote %(number)s", who=who, number=document["number"])
            reason = (data.get("reason") or "").strip()
            details = (_("%(person)s gave this reason: %(reason)s", person=person, reason=reason) if reason
                       else _("%(person)s gave no reason.", person=person))
        return event_type, summary, details
    if event_type == "comment_added":
        comment = data.get("comment") or {}
        if ((comment.get("author") or {}).get("kind") or actor.get("kind")) != "customer":
            return None
        author = (comment.get("author") or {}).get("name") or person
        return (event_type, _("%(who)s commented on %(document)s %(number)s", who=who, document=document["name"],
                              number=document["number"]),
                _("%(author)s wrote:", author=author) + f"\n\n{comment.get('text') or ''}")
    if event_type == "payment_recorded":
        payment = data.get("payment") or {}
        if payment.get("source") != "portal":
            return None
        amount = reader.money(payment.get("amount"), payment.get("currency"))
        balance = reader.money((data.get("invoice") or {}).get("balance_due"), payment.get("currency"))
        return (event_type, _("%(who)s paid %(amount)s on invoice %(number)s", who=who, amount=amount,
                              number=document["number"]),
                _("%(person)s paid online. Balance due now: %(balance)s.", person=person, balance=balance))
    if event_type == "customer_updated" and by_customer:
        lines = [f"{_field_label(name, change, _)}: {_value(change.get('new'), reader)}"
                 for name, change in sorted((data.get("changes") or {}).items()) if isinstance(change, dict)]
        return (event_type, _("%(who)s updated their details", who=who),
                _("%(person)s changed:", person=person) + "\n" + "\n".join(lines) if lines
                else _("%(person)s saved their details.", person=person))
    if event_type == "review_submitted" and by_customer:
        review = data.get("review") or {}
        comment = (review.get("comment") or "").strip()
        return (event_type, _("%(who)s left a %(rating)s-star review", who=who, rating=review.get("rating")),
                f"“{comment}”" if comment else _("No comment."))
    return None


def _field_label(name, change, _):
    """The label customers put in the event, in the reader's language where the catalog has it (a
    custom field's own label is the organization's words and stays as it is)."""
    label = change.get("label")
    if not label:
        return str(name)  # an older event, without labels: the field's name as it is
    return label if str(name).startswith("custom_fields.") else _(label)


def _value(value, reader=None):
    if value in (None, "", {}):
        return reader._("(removed)") if reader else "(removed)"
    if isinstance(value, dict):
        return ", ".join(f"{_value(v, reader)}" if k in ("street", "city", "country", "zip", "state", "street2",
                                                          "attention") else f"{k}: {_value(v, reader)}"
                         for k, v in value.items() if v not in (None, ""))
    return str(value)


def portal_activity(envelope, lookup):
    if describe_activity(envelope) is None:
        return []
    org_id = envelope["org_id"]
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    if not prefs.get("notify_staff_on_activity"):
        return []
    actor = envelope.get("actor") or {}
    customer = customer_of(envelope["data"])
    customer_id = customer["id"] or actor.get("customer_id")
    customer.update(id=customer_id, url=f"{lookup.public_url}/app/customers/{customer_id}" if customer_id else "")
    made, mails = {}, []
    for user in lookup.staff(org_id):
        if not user.get("email"):
            continue
        reader = Reader(user.get("language"), org)  # each staff member's own language
        if reader.language not in made:
            kind, summary, details = describe_activity(envelope, reader)
            made[reader.language] = {
                "organization": organization_context(org), "customer": customer,
                "actor": {"name": actor.get("name") or customer["name"], "email": actor.get("email") or ""},
                "activity": {"kind": kind, "summary": summary, "details": details},
                "document": _with_staff_url(document_of(envelope["data"], None, reader), lookup.public_url),
                "activity_url": f"{lookup.public_url}/app/activity",
                "settings_url": f"{lookup.public_url}/app/settings/portal"}
        person = {"name": user.get("name") or "", "email": user["email"]}
        mails.append(Mail("portal_activity", user["email"].lower(), clean(user.get("name")),
                          dict(made[reader.language], staff=person, recipient=person),
                          language=reader.language, org_language=org_language(org)))
    return mails


def _with_staff_url(document, public_url):
    """Staff read about a document on its page in the staff app, not in the portal."""
    if document and document.get("id"):
        document["staff_url"] = f"{public_url}/app/{document['kind']}s/{document['id']}"
    return document


PLANNERS = {
    "portal_invitation_created": invitation,
    "portal_password_reset_requested": portal_password_reset,
    "staff_password_reset_requested": staff_password_reset,
    "invoice_sent": document_sent("invoice_sent"),
    "quote_sent": document_sent("quote_sent"),
    "quote_accepted": portal_activity,
    "quote_declined": portal_activity,
    "comment_added": comment_added,
    "payment_recorded": payment_recorded,
    "payment_refunded": payment_refunded,
    "autopay_failed": autopay_failed,
    "card_expiring": card_expiring,
    "customer_updated": portal_activity,
    "document_forwarded": document_forwarded,
    "review_requested": review_requested,
    "review_submitted": portal_activity,
    "statement_sent": statement_sent,
}


def plan(envelope, lookup):
    planner = PLANNERS.get(envelope.get("event_type"))
    return planner(envelope, lookup) if planner else []
