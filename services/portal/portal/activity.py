"""The portal activity log: what customers did through the portal, from the events of
docs/events.md (one entry per event), and the last sign-in of each contact.

Mixed into PortalService. Only the customer's own actions are logged: a quote staff marked as
accepted, a payment staff recorded, or a staff edit of the customer is not portal activity.
"""
from datetime import date, datetime

from sqlalchemy import nulls_last, select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import require_staff
from portico_kit.errors import Invalid
from portico_kit.messaging import first_delivery, on_event
from portico_kit.pagination import paginate
from portico_kit.rpc import rpc
from portico_kit.timeutil import iso, local_days_to_utc, utcnow

from .models import ActivityEntry, PortalAccess, PortalContact, ProcessedEvent
from .schemas import contact_status

KINDS = ("quote_accepted", "quote_declined", "comment_added", "payment_recorded", "customer_updated",
         "document_forwarded", "review_submitted", "signed_in", "invitation_accepted", "invoice_viewed",
         "quote_viewed")


def _document(data):
    if data.get("quote"):
        doc, kind = data["quote"], "quote"
    elif data.get("document"):
        doc, kind = data["document"], data["document"].get("type") or "invoice"
    elif data.get("invoice"):
        doc, kind = data["invoice"], "invoice"
    else:
        return None, None, None
    return kind, doc.get("id"), doc.get("number")


def _details(kind, data):
    """The few facts worth keeping next to the entry."""
    if kind == "quote_declined":
        return {"reason": data.get("reason") or ""}
    if kind == "comment_added":
        return {"text": ((data.get("comment") or {}).get("text") or "")[:2000]}
    if kind == "payment_recorded":
        payment = data.get("payment") or {}
        return {"amount": payment.get("amount"), "currency": payment.get("currency"),
                "balance_due": (data.get("invoice") or {}).get("balance_due")}
    if kind == "quote_accepted":
        quote = data.get("quote") or {}
        return {"amount": quote.get("total"), "currency": quote.get("currency")}
    if kind == "customer_updated":
        changes = data.get("changes") or {}  # the keys for programs, the labels for people
        return {"fields": sorted(changes), "field_labels": [_label(name, changes[name]) for name in sorted(changes)]}
    if kind == "document_forwarded":
        recipient = data.get("recipient") or {}
        return {"recipient": {"name": recipient.get("name"), "email": recipient.get("email")}}
    if kind in ("invoice_viewed", "quote_viewed"):
        return {"channel": (data.get("view") or {}).get("channel")}
    if kind == "review_submitted":
        review = data.get("review") or {}
        return {"rating": review.get("rating"), "comment": (review.get("comment") or "")[:2000]}
    return None


def _label(name, change):
    """customers names each changed field for people (docs/events.md); an older event only by its key."""
    return str((change or {}).get("label") or name) if isinstance(change, dict) else str(name)


def summary(entry):
    """A sentence for people: "Bob Baker (Bob's Bikes) accepted quote QT-000007"."""
    who = entry.contact_name or entry.customer_name or "A customer"
    if entry.contact_name and entry.customer_name and entry.contact_name != entry.customer_name:
        who = f"{entry.contact_name} ({entry.customer_name})"
    document = f"{entry.document_type} {entry.document_number}" if entry.document_number else "a document"
    details = entry.details or {}
    return {
        "quote_accepted": f"{who} accepted {document}",
        "quote_declined": f"{who} declined {document}",
        "comment_added": f"{who} commented on {document}",
        "payment_recorded": f"{who} paid {details.get('currency') or ''} {details.get('amount') or ''} on {document}",
        "customer_updated": f"{who} updated their details",
        "document_forwarded": f"{who} forwarded {document} to "
                              f"{(details.get('recipient') or {}).get('email') or 'someone'}",
        "review_submitted": f"{who} left a {details.get('rating')}-star review",
        "signed_in": f"{who} signed in",
        "invitation_accepted": f"{who} accepted the portal invitation",
        "invoice_viewed": f"{who} viewed {document}",
        "quote_viewed": f"{who} viewed {document}",
    }.get(entry.kind, f"{who}: {entry.kind}").replace("  ", " ")


def entry_dict(entry):
    contact = None
    if entry.contact_id or entry.contact_name:
        contact = {"id": entry.contact_id, "name": entry.contact_name, "email": entry.contact_email}
    document = None
    if entry.document_id:
        document = {"type": entry.document_type, "id": entry.document_id, "number": entry.document_number}
    return {"id": entry.id, "kind": entry.kind, "customer_id": entry.customer_id,
            "customer_name": entry.customer_name, "contact": contact, "document": document,
            "details": entry.details or {}, "summary": summary(entry), "at": iso(entry.at)}


def _period(actor, date_from, date_to):
    """from/to dates (inclusive, in the organization's time zone) -> UTC bounds."""
    fields = {}
    bounds = []
    for name, value in (("from", date_from), ("to", date_to)):
        if value in (None, ""):
            bounds.append(None)
            continue
        try:
            bounds.append(date.fromisoformat(str(value)))
        except ValueError:
            bounds.append(None)
            fields[name] = "Use a date like 2026-12-31."
    if not fields and bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        fields["from"] = "The period starts after it ends."
    if fields:
        raise Invalid(code="invalid_period", message="The period is not valid.", fields=fields)
    return local_days_to_utc(bounds[0], bounds[1], actor.get("org_timezone"))


def _at(envelope):
    try:
        return datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
    except (KeyError, AttributeError, ValueError):
        return utcnow()


class ActivityLog:
    """Mixed into PortalService (needs `db`)."""

    @on_event("billing", "quote_accepted")
    def on_billing_quote_accepted(self, event):
        self._log(event, "on_billing_quote_accepted", "quote_accepted", by_customer=True)

    @on_event("billing", "quote_declined")
    def on_billing_quote_declined(self, event):
        self._log(event, "on_billing_quote_declined", "quote_declined", by_customer=True)

    @on_event("billing", "comment_added")
    def on_billing_comment_added(self, event):
        author = ((event.get("data") or {}).get("comment") or {}).get("author") or {}
        self._log(event, "on_billing_comment_added", "comment_added",
                  when=author.get("kind", (event.get("actor") or {}).get("kind")) == "customer")

    @on_event("billing", "payment_recorded")
    def on_billing_payment_recorded(self, event):
        payment = (event.get("data") or {}).get("payment") or {}
        self._log(event, "on_billing_payment_recorded", "payment_recorded", when=payment.get("source") == "portal")

    @on_event("customers", "customer_updated")
    def on_customers_customer_updated(self, event):
        # the customer's language, which its contacts' pages follow unless they chose their own
        # (setting it again on a redelivery changes nothing)
        customer = (event.get("data") or {}).get("customer") or {}
        access = self.db.get(PortalAccess, customer["id"]) if customer.get("id") else None
        if access is not None and "language" in customer and access.customer_language != customer["language"]:
            access.customer_language = customer["language"]
            self.db.commit()
        self._log(event, "on_customers_customer_updated", "customer_updated", by_customer=True)

    @on_event("billing", "document_forwarded")
    def on_billing_document_forwarded(self, event):
        self._log(event, "on_billing_document_forwarded", "document_forwarded")

    @on_event("reviews", "review_submitted")
    def on_reviews_review_submitted(self, event):
        self._log(event, "on_reviews_review_submitted", "review_submitted")

    # billing publishes these for the first view only, so the log is not flooded by every click
    @on_event("billing", "invoice_viewed")
    def on_billing_invoice_viewed(self, event):
        self._log(event, "on_billing_invoice_viewed", "invoice_viewed", by_customer=True)

    @on_event("billing", "quote_viewed")
    def on_billing_quote_viewed(self, event):
        self._log(event, "on_billing_quote_viewed", "quote_viewed", by_customer=True)

    @on_event("portal", "portal_signed_in")
    def on_portal_portal_signed_in(self, event):
        self._log(event, "on_portal_portal_signed_in", "signed_in")

    @on_event("portal", "portal_invitation_accepted")
    def on_portal_portal_invitation_accepted(self, event):
        self._log(event, "on_portal_portal_invitation_accepted", "invitation_accepted")

    # -- reading ------------------------------------------------------------------------------

    @rpc
    def list_activity(self, actor, date_from=None, date_to=None, page=1, per_page=50, kind=None,
                      customer_id=None):
        """Newest first; `date_from`/`date_to` are inclusive days in the organization's time zone."""
        org_id = require_staff(actor)
        start, end = _period(actor, date_from, date_to)
        query = select(ActivityEntry).where(ActivityEntry.org_id == org_id)
        if start:
            query = query.where(ActivityEntry.at >= start)
        if end:
            query = query.where(ActivityEntry.at < end)
        if kind:
            if kind not in KINDS:
                raise Invalid(code="invalid_kind", message=f"kind is one of {', '.join(KINDS)}.",
                              fields={"kind": f"One of {', '.join(KINDS)}."})
            query = query.where(ActivityEntry.kind == kind)
        if customer_id:
            query = query.where(ActivityEntry.customer_id == str(customer_id))
        query = query.order_by(ActivityEntry.at.desc(), ActivityEntry.id)
        result = paginate(self.db, query, entry_dict, page, per_page)
        result.update({"from": date_from or None, "to": date_to or None})
        return result

    @rpc
    def list_sign_ins(self, actor, page=1, per_page=50):
        """Every portal contact of the organization with their last sign-in, most recent first."""
        org_id = require_staff(actor)
        query = (select(PortalContact).where(PortalContact.org_id == org_id)
                 .order_by(nulls_last(PortalContact.last_login_at.desc()), PortalContact.email))
        result = paginate(self.db, query, lambda contact: contact, page, per_page)
        names = dict(self.db.execute(select(PortalAccess.customer_id, PortalAccess.customer_name).where(
            PortalAccess.customer_id.in_({c.customer_id for c in result["items"]}))).all())
        result["items"] = [{"contact_id": c.contact_id, "customer_id": c.customer_id,
                            "customer_name": names.get(c.customer_id, ""), "name": c.name, "email": c.email,
                            "status": contact_status(c), "last_login_at": iso(c.last_login_at)}
                           for c in result["items"]]
        return result

    # -- writing ------------------------------------------------------------------------------

    def _log(self, event, handler, kind, by_customer=False, when=True):
        actor = (event or {}).get("actor") or {}
        if not when or (by_customer and actor.get("kind") != "customer"):
            return
        if not first_delivery(self.db, ProcessedEvent, event, handler):
            return
        data = event.get("data") or {}
        customer = data.get("customer") or {}
        customer_id = customer.get("id") or actor.get("customer_id")
        contact = data.get("contact") if kind in ("signed_in", "invitation_accepted") else None
        contact = contact or {"id": actor.get("contact_id"), "name": actor.get("name"), "email": actor.get("email")}
        customer_name = customer.get("display_name")
        if not customer_name and customer_id:
            access = self.db.get(PortalAccess, customer_id)
            customer_name = access.customer_name if access else ""
        document_type, document_id, document_number = _document(data)
        self.db.add(ActivityEntry(
            event_id=event["event_id"], org_id=event["org_id"], kind=kind, customer_id=customer_id,
            customer_name=customer_name or "", contact_id=contact.get("id"), contact_name=contact.get("name"),
            contact_email=contact.get("email"), document_type=document_type, document_id=document_id,
            document_number=document_number, details=_details(kind, data), at=_at(event)))
        try:
            self.db.commit()
        except IntegrityError:  # the same event under a second handler name: logged once
            self.db.rollback()
