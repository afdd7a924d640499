"""'Viewed': billing records when a customer contact opens an invoice or quote (the portal page, the
portal API or the PDF). Staff reads, previews, the print view and system renders never count.

The first view is taken with a conditional UPDATE (viewed_at IS NULL), so of two simultaneous first
views exactly one is first and publishes `invoice_viewed` / `quote_viewed`: the activity feed gets
one entry, not one per click. The counter is incremented in SQL, so no view is lost either.
"""
from sqlalchemy import update

from portico_kit.actors import public
from portico_kit.errors import Invalid
from portico_kit.timeutil import utcnow

from . import events
from .models import Invoice, Quote
from .status import today

CHANNELS = ("page", "api", "pdf")
EVENT_TYPES = {"invoice": events.INVOICE_VIEWED, "quote": events.QUOTE_VIEWED}


class DocumentViews:
    """Mixed into BillingService."""

    def _record_view(self, actor, doc_type, doc, channel):
        if channel is None or actor.get("kind") != "customer":
            return doc
        if channel not in CHANNELS:
            raise Invalid(code="invalid_view", message="A view comes from the page, the API or the PDF.",
                          fields={"view": "page, api or pdf"})
        model = Invoice if doc_type == "invoice" else Quote
        now, name = utcnow(), (actor.get("name") or "")[:200] or None
        first = self.db.execute(update(model).where(model.id == doc.id, model.viewed_at.is_(None)).values(
            viewed_at=now, viewed_by_name=name, viewed_by_contact_id=actor.get("contact_id"),
            updated_at=model.updated_at)).rowcount == 1
        self.db.execute(update(model).where(model.id == doc.id).values(
            last_viewed_at=now, last_viewed_by_name=name, view_count=model.view_count + 1,
            updated_at=model.updated_at))
        doc = self._load_document(actor, doc_type, doc.id)  # populate_existing: the counts just written
        if first:
            self.events(EVENT_TYPES[doc_type], events.viewed_payload(doc_type, doc, channel, today(actor)),
                        actor=public(actor))
        self.db.commit()
        return doc
