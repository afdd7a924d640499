"""The events notifications consumes (docs/events.md), each turned into recorded email.

Every handler only accepts the event into the inbox (idempotent by event id), then handles it at
once; whatever could not be handled now (a service down, a worker killed) is picked up again by
the `handle_due_events` timer. Handler names are part of their durable queues' names: never rename.
It publishes no events.
"""
import base64
import logging

from nameko.timer import timer
from sqlalchemy import select

from portico_kit import config
from portico_kit.errors import ServiceError
from portico_kit.messaging import on_event

from . import contexts, delivery, inbox
from .lookups import ServiceLookup
from .models import EmailAttachment, EmailMessage
from .templates import render_email

log = logging.getLogger(__name__)


class EventHandlers:
    """Mixed into NotificationsService (needs `db`, and the `accounts`, `portal`, `customers` proxies)."""

    @on_event("portal", "portal_invitation_created")
    def on_portal_portal_invitation_created(self, event):
        self._receive(event, "on_portal_portal_invitation_created")

    @on_event("portal", "portal_password_reset_requested")
    def on_portal_portal_password_reset_requested(self, event):
        self._receive(event, "on_portal_portal_password_reset_requested")

    @on_event("accounts", "staff_password_reset_requested")
    def on_accounts_staff_password_reset_requested(self, event):
        self._receive(event, "on_accounts_staff_password_reset_requested")

    @on_event("billing", "invoice_sent")
    def on_billing_invoice_sent(self, event):
        self._receive(event, "on_billing_invoice_sent")

    @on_event("billing", "quote_sent")
    def on_billing_quote_sent(self, event):
        self._receive(event, "on_billing_quote_sent")

    @on_event("billing", "quote_accepted")
    def on_billing_quote_accepted(self, event):
        self._receive(event, "on_billing_quote_accepted")

    @on_event("billing", "quote_declined")
    def on_billing_quote_declined(self, event):
        self._receive(event, "on_billing_quote_declined")

    @on_event("billing", "comment_added")
    def on_billing_comment_added(self, event):
        self._receive(event, "on_billing_comment_added")

    @on_event("billing", "payment_recorded")
    def on_billing_payment_recorded(self, event):
        self._receive(event, "on_billing_payment_recorded")

    @on_event("billing", "payment_refunded")
    def on_billing_payment_refunded(self, event):
        self._receive(event, "on_billing_payment_refunded")

    @on_event("billing", "autopay_failed")
    def on_billing_autopay_failed(self, event):
        self._receive(event, "on_billing_autopay_failed")

    @on_event("billing", "card_expiring")
    def on_billing_card_expiring(self, event):
        self._receive(event, "on_billing_card_expiring")

    @on_event("customers", "customer_updated")
    def on_customers_customer_updated(self, event):
        self._receive(event, "on_customers_customer_updated")  # only the customer's own edits email

    @on_event("billing", "document_forwarded")
    def on_billing_document_forwarded(self, event):
        self._receive(event, "on_billing_document_forwarded")

    @on_event("billing", "statement_sent")
    def on_billing_statement_sent(self, event):
        self._receive(event, "on_billing_statement_sent")

    @on_event("reviews", "review_requested")
    def on_reviews_review_requested(self, event):
        self._receive(event, "on_reviews_review_requested")

    @on_event("reviews", "review_submitted")
    def on_reviews_review_submitted(self, event):
        self._receive(event, "on_reviews_review_submitted")

    @timer(interval=config.env_float("EVENT_POLL_INTERVAL", 2.0))
    def handle_due_events(self):
        """Events whose handling failed (a service was down) or was cut short (a crash)."""
        for row_id in inbox.due_ids(self.db):
            envelope = inbox.claim(self.db, row_id)
            if envelope is not None:
                self._handle(row_id, envelope)

    @timer(interval=3600)
    def purge_handled_events(self):
        """Handled events are remembered for EVENT_RETENTION_DAYS: long past any redelivery."""
        inbox.purge(self.db)

    # -- handling -------------------------------------------------------------------------------

    def _receive(self, event, handler):
        if not isinstance(event, dict) or not event.get("event_id") or not event.get("org_id"):
            log.warning("%s: malformed event ignored: %r", handler, event)
            return
        # our database unreachable: on_event sends the event back to the queue after a pause
        row_id = inbox.accept(self.db, event, handler)
        if row_id is not None:
            self._handle(row_id, event)

    def _handle(self, row_id, envelope):
        try:
            with delivery.claim_kept(self.db, row_id, renew=inbox.renew_claim):  # ours while we live
                lookup = ServiceLookup(self)
                mails = contexts.plan(envelope, lookup)  # other services; no connection held
                files = self._attachments(envelope, mails, lookup)
                message_ids = self._record(envelope, mails, files)
                inbox.done(self.db, row_id, len(message_ids))
                self.db.commit()
        except Exception as exc:
            try:
                inbox.failed(self.db, row_id, exc)
            except Exception:  # the database itself is away: the claim expires and the timer retries
                log.exception("event %s: could not record the failure", envelope.get("event_id"))
                self.db.rollback()
            return
        for message_id in message_ids:
            delivery.deliver(self.db, message_id)

    def _attachments(self, envelope, mails, lookup):
        """The PDFs the mails carry, fetched once each. A document the service cannot make (a
        Factur-X invoice missing data, a document deleted meanwhile) leaves the email without it;
        the documents service being down raises, and the event is retried."""
        files = {}
        for mail in mails:
            if not mail.attachment:
                continue
            key = repr(sorted(mail.attachment.items()))
            if key in files:
                continue
            try:
                files[key] = lookup.pdf(envelope["org_id"], mail.attachment)
            except ServiceError as exc:
                if exc.status >= 500:
                    raise
                log.warning("event %s: %s sent without its PDF (%s)", envelope.get("event_id"), mail.kind, exc)
                files[key] = None
        return files

    def _record(self, envelope, mails, files=None):
        """Render and add one message per mail (not yet committed). One per event, kind and address."""
        ids = []
        for mail in mails:
            dedupe_key = f"{envelope['event_id']}:{mail.kind}:{mail.to_email.lower()}"
            if self.db.scalar(select(EmailMessage.id).where(EmailMessage.dedupe_key == dedupe_key)):
                continue
            subject, text, html = render_email(self.db, envelope["org_id"], mail.kind, mail.context, mail.branding,
                                              mail.language, mail.org_language)
            message = EmailMessage(org_id=envelope["org_id"], kind=mail.kind, to_email=mail.to_email.lower(),
                                   to_name=mail.to_name or None, from_name=mail.from_name, reply_to=mail.reply_to,
                                   subject=subject, text_body=text, html_body=html, dedupe_key=dedupe_key,
                                   event_id=envelope["event_id"])
            pdf = (files or {}).get(repr(sorted(mail.attachment.items()))) if mail.attachment else None
            if pdf:
                message.attachments.append(EmailAttachment(filename=pdf["filename"], content_type=pdf["content_type"],
                                                           content=base64.b64decode(pdf["content_base64"])))
            self.db.add(message)
            self.db.flush()
            ids.append(message.id)
        return ids
