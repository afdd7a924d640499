"""Who gets which email for each event, and with what values (the template context).

`plan(envelope, lookup)` -> [Mail]. It only reads: the event, and what `lookup` fetches from the
other services (organization, portal preferences, staff, portal contacts, the customer). Who
receives what is documented in docs/notifications.md; keep the two in step.
"""
from dataclasses import dataclass, field
from portico_kit import l10n


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


def clean(text):
    """A name fit for a header: one line, no control characters."""
    return " ".join(str(text or "").split())[:200]


# -- building blocks ----------------------------------------------------------------------------

def customer_of(data):
    customer = data.get("customer") or {}
    name = customer.get("display_name") or customer.get("name") or ""
    return {"id": customer.get("id"), "name": name, "display_name": name}


def document_of(data, portal_url=None):
    """The billing document of an event, whichever key the event carries it under."""
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
        "id": doc.get("id"), "type": kind, "kind": kind, "label": kind.capitalize(),
        "number": doc.get("number") or "", "status": doc.get("status") or "",
        "currency": currency, "total": doc.get("total") or "", "amount": money(doc.get("total"), currency),
        "balance_due": doc.get("balance_due") or "", "balance": money(doc.get("balance_due"), currency),
        "date": day(doc.get("date")), "due_date": day(doc.get("due_date")),
        "expiry_date": day(doc.get("expiry_date")), "url": "",
    }
    if portal_url and doc.get("id"):
        result["url"] = f"{portal_url}/{kind}s/{doc['id']}"
    return result


def organization_context(org):
    return {"name": org.get("name") or "", "email": org.get("email") or "", "phone": org.get("phone") or ""}


def customer_recipients(lookup, org_id, customer_id):
    """[(email, name)], on_portal: the customer's portal contacts, else the customer's own email."""
    access = lookup.portal_access(org_id, customer_id)
    if access.get("enabled"):
        people = _unique((c.get("email"), c.get("name")) for c in access.get("contacts", [])
                         if c.get("status") in ("active", "invited"))
        if people:
            return people, True
    customer = lookup.customer(org_id, customer_id)
    if customer is None:  # deleted meanwhile: nobody to tell
        return [], False
    contacts = customer.get("contacts") or []
    primary = next((c for c in contacts if c.get("is_primary") and c.get("email")), None)
    anyone = next((c for c in contacts if c.get("email")), None)
    if customer.get("email"):
        return _unique([(customer["email"], (primary or {}).get("name") or customer.get("display_name"))]), False
    chosen = primary or anyone
    if chosen:
        return _unique([(chosen["email"], chosen.get("name") or customer.get("display_name"))]), False
    return [], False


def _unique(pairs):
    seen, result = set(), []
    for email, name in pairs:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            result.append((email.lower(), clean(name)))
    return result


# -- one planner per event type -----------------------------------------------------------------

def _on_behalf(kind, org, people, context, attachment=None, branding=None):
    """Customer-facing mail: from "<organization> via Portico", replies to the organization."""
    return [Mail(kind, email, name, dict(context, recipient={"name": name, "email": email}),
                 from_name=clean(org.get("name")) or None, reply_to=org.get("email") or None,
                 branding=branding or org.get("branding"), attachment=attachment)
            for email, name in people]


def invitation(envelope, lookup):
    data = envelope["data"]
    org = lookup.organization(envelope["org_id"], data.get("organization", {}).get("name"))
    contact = data["contact"]
    context = {"organization": organization_context(org), "customer": customer_of(data),
               "contact": {"name": contact.get("name") or "", "email": contact["email"]},
               "invite_url": data["invite_url"], "expires_on": moment(data["invitation"].get("expires_at")),
               "portal_url": (data.get("portal") or {}).get("url") or ""}
    return _on_behalf("portal_invitation", org, [(contact["email"].lower(), clean(contact.get("name")))], context)


def portal_password_reset(envelope, lookup):
    data = envelope["data"]
    org = lookup.organization(envelope["org_id"], data.get("organization", {}).get("name"))
    contact = data["contact"]
    context = {"organization": organization_context(org), "customer": customer_of(data),
               "contact": {"name": contact.get("name") or "", "email": contact["email"]},
               "reset_url": data["reset_url"], "expires_on": moment(data.get("expires_at")),
               "portal_url": (data.get("portal") or {}).get("url") or ""}
    return _on_behalf("password_reset", org, [(contact["email"].lower(), clean(contact.get("name")))], context)


def staff_password_reset(envelope, lookup):
    """Portico's own mail to a staff member: never on the organization's template."""
    data = envelope["data"]
    user = data["user"]
    org = {"name": (data.get("organization") or {}).get("name") or ""}
    context = {"organization": organization_context(org), "user": {"name": user.get("name") or "",
                                                                   "email": user["email"]},
               "recipient": {"name": user.get("name") or "", "email": user["email"]},
               "reset_url": data["reset_url"], "expires_on": moment(data.get("expires_at"))}
    return [Mail("staff_password_reset", user["email"].lower(), clean(user.get("name")), context)]


def document_sent(kind):
    def planner(envelope, lookup):
        data, org_id = envelope["data"], envelope["org_id"]
        org = lookup.organization(org_id)
        prefs = lookup.preferences(org_id, org.get("name"))
        document = document_of(data, prefs.get("portal_url"))
        people, on_portal = customer_recipients(lookup, org_id, document_customer(data, document))
        context = {"organization": organization_context(org), "customer": customer_of(data),
                   "document": document, kind.split("_")[0]: document, "portal_enabled": on_portal,
                   "portal_url": prefs.get("portal_url") or ""}
        branding = lookup.branding(org_id) if people else {}  # fresh: "attach PDFs" is a switch
        attachment = {"kind": document["kind"], "ref": document["id"]} if branding.get("attach_pdf_to_emails") else None
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
    context = {"organization": organization_context(org), "customer": customer_of(data),
               "statement": {"from": day(statement.get("from")), "to": day(statement.get("to")), "currency": currency,
                             "opening_balance": money(statement.get("opening_balance"), currency),
                             "closing_balance": money(statement.get("closing_balance"), currency),
                             "url": f"{portal_url}/statement?from={statement.get('from')}&to={statement.get('to')}"
                                    f"&currency={currency}" if portal_url else ""},
               "portal_enabled": on_portal, "portal_url": portal_url}
    attachment = {"kind": "statement", "ref": data["customer"]["id"],
                  "params": {"from": statement.get("from"), "to": statement.get("to"), "currency": currency}}
    return _on_behalf("statement", org, people, context, attachment, lookup.branding(org_id) if people else None)


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
    document = document_of(data, prefs.get("portal_url"))
    people, on_portal = customer_recipients(lookup, org_id, document_customer(data, document))
    context = {"organization": organization_context(org), "customer": customer_of(data), "document": document,
               "comment": {"text": comment.get("text") or "", "author": author.get("name") or org.get("name")},
               "portal_enabled": on_portal, "portal_url": prefs.get("portal_url") or ""}
    return _on_behalf("comment_notification", org, people, context)


def document_forwarded(envelope, lookup):
    """To the person it was forwarded to, with the read-only view link and nothing that signs in."""
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    recipient = data["recipient"]
    document = document_of(data)
    document["url"] = data["view_url"]
    sender = envelope.get("actor") or {}
    context = {"organization": organization_context(org), "customer": customer_of(data), "document": document,
               "sender": {"name": sender.get("name") or customer_of(data)["name"], "email": sender.get("email") or ""},
               "view_url": data["view_url"], "expires_on": moment(data.get("expires_at"))}
    return _on_behalf("document_forwarded", org, [(recipient["email"].lower(), clean(recipient.get("name")))],
                      context)


def review_requested(envelope, lookup):
    data, org_id = envelope["data"], envelope["org_id"]
    org = lookup.organization(org_id)
    recipient = data["recipient"]
    context = {"organization": organization_context(org), "customer": customer_of(data),
               "review_url": data["review_url"]}
    return _on_behalf("review_request", org, [(recipient["email"].lower(), clean(recipient.get("name")))],
                      context)


# -- portal activity, to staff ------------------------------------------------------------------

def describe_activity(envelope):
    """(kind, summary, details) of a customer's portal action, or None when it is not one."""
    event_type, data = envelope["event_type"], envelope["data"]
    actor = envelope.get("actor") or {}
    by_customer = actor.get("kind") == "customer"
    who = customer_of(data)["name"] or "A customer"
    person = actor.get("name") or who
    document = document_of(data)
    if event_type in ("quote_accepted", "quote_declined") and by_customer:
        verb = "accepted" if event_type == "quote_accepted" else "declined"
        summary = f"{who} {verb} quote {document['number']}"
        if event_type == "quote_accepted":
            details = f"Quote {document['number']} for {document['amount']} was accepted by {person}."
        else:
            reason = (data.get("reason") or "").strip()
            details = f"{person} gave this reason: {reason}" if reason else f"{person} gave no reason."
        return event_type, summary, details
    if event_type == "comment_added":
        comment = data.get("comment") or {}
        if ((comment.get("author") or {}).get("kind") or actor.get("kind")) != "customer":
            return None
        author = (comment.get("author") or {}).get("name") or person
        return (event_type, f"{who} commented on {document['kind']} {document['number']}",
                f"{author} wrote:\n\n{comment.get('text') or ''}")
    if event_type == "payment_recorded":
        payment = data.get("payment") or {}
        if payment.get("source") != "portal":
            return None
        amount = money(payment.get("amount"), payment.get("currency"))
        balance = money((data.get("invoice") or {}).get("balance_due"), payment.get("currency"))
        return (event_type, f"{who} paid {amount} on invoice {document['number']}",
                f"{person} paid online. Balance due now: {balance}.")
    if event_type == "customer_updated" and by_customer:
        lines = [f"{change.get('label') or name}: {_value(change.get('new'))}"
                 for name, change in sorted((data.get("changes") or {}).items()) if isinstance(change, dict)]
        return (event_type, f"{who} updated their details",
                f"{person} changed:\n" + "\n".join(lines) if lines else f"{person} saved their details.")
    if event_type == "review_submitted" and by_customer:
        review = data.get("review") or {}
        comment = (review.get("comment") or "").strip()
        return (event_type, f"{who} left a {review.get('rating')}-star review",
                f"“{comment}”" if comment else "No comment.")
    return None


def _value(value):
    if value in (None, "", {}):
        return "(removed)"
    if isinstance(value, dict):
        return ", ".join(f"{_value(v)}" if k in ("street", "city", "country", "zip", "state", "street2",
                                                   "attention") else f"{k}: {_value(v)}"
                         for k, v in value.items() if v not in (None, ""))
    return str(value)


def portal_activity(envelope, lookup):
    described = describe_activity(envelope)
    if described is None:
        return []
    org_id = envelope["org_id"]
    org = lookup.organization(org_id)
    prefs = lookup.preferences(org_id, org.get("name"))
    if not prefs.get("notify_staff_on_activity"):
        return []
    kind, summary, details = described
    actor = envelope.get("actor") or {}
    customer = customer_of(envelope["data"])
    customer_id = customer["id"] or actor.get("customer_id")
    customer.update(id=customer_id, url=f"{lookup.public_url}/app/customers/{customer_id}" if customer_id else "")
    context = {"organization": organization_context(org), "customer": customer,
               "actor": {"name": actor.get("name") or customer["name"], "email": actor.get("email") or ""},
               "activity": {"kind": kind, "summary": summary, "details": details},
               "document": _with_staff_url(document_of(envelope["data"]), lookup.public_url),
               "activity_url": f"{lookup.public_url}/app/activity",
               "settings_url": f"{lookup.public_url}/app/settings/portal"}
    mails = []
    for user in lookup.staff(org_id):
        if not user.get("email"):
            continue
        person = {"name": user.get("name") or "", "email": user["email"]}
        mails.append(Mail("portal_activity", user["email"].lower(), clean(user.get("name")),
                          dict(context, staff=person, recipient=person)))
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
    "payment_recorded": portal_activity,
    "customer_updated": portal_activity,
    "document_forwarded": document_forwarded,
    "review_requested": review_requested,
    "review_submitted": portal_activity,
    "statement_sent": statement_sent,
}


def plan(envelope, lookup):
    planner = PLANNERS.get(envelope.get("event_type"))
    return planner(envelope, lookup) if planner else []
