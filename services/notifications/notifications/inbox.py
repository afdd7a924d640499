"""The inbox: every event is recorded before it is handled, and handled from the record.

Accepting an event (recording it, with its event id, in the same transaction as
`first_delivery`) is all the broker has to wait for. Working out the recipients needs other
services; if one is down, the event waits here and is tried again with backoff instead of being
dropped, and a worker killed half-way leaves a claim that expires, so another worker finishes it.
Handling writes the emails and marks the event done in one transaction: an event yields its
emails exactly once.
"""
import logging
import random
from datetime import timedelta

from sqlalchemy import and_, delete, or_, select, update

from portico_kit import config, messaging
from portico_kit.errors import ServiceError
from portico_kit.messaging import first_delivery
from portico_kit.timeutil import utcnow

from .models import InboundEvent, ProcessedEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = config.env_int("EVENT_MAX_ATTEMPTS", 30)
RETRY_BASE = config.env_float("EVENT_RETRY_BASE_SECONDS", 5.0)
RETRY_MAX = config.env_float("EVENT_RETRY_MAX_SECONDS", 3600.0)
# short, and renewed while the worker handling it is alive (delivery.claim_kept): a killed
# worker's event is taken up again within seconds, a slow one (PDFs to fetch) keeps it
CLAIM_FOR = timedelta(seconds=config.env_float("EVENT_CLAIM_SECONDS", 15.0))
RETENTION = messaging.RETENTION  # EVENT_RETENTION_DAYS, the same in every service


def backoff(attempts):
    base = min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_MAX)
    return base * random.uniform(0.8, 1.2)  # replicas retrying after an outage do not stampede


def accept(session, envelope, handler):
    """Record the event (claimed by this worker); None if this handler has seen it before."""
    if not first_delivery(session, ProcessedEvent, envelope, handler):
        session.rollback()
        return None
    row = InboundEvent(event_id=envelope["event_id"], handler=handler, event_type=envelope.get("event_type", ""),
                       org_id=envelope.get("org_id"), envelope=envelope, status="processing",
                       claimed_until=utcnow() + CLAIM_FOR)
    session.add(row)
    session.commit()
    return row.id


def _claimable(now):
    return or_(and_(InboundEvent.status == "pending", InboundEvent.next_attempt_at <= now),
               and_(InboundEvent.status == "processing", InboundEvent.claimed_until < now))


def due_ids(session, limit=50):
    ids = list(session.scalars(select(InboundEvent.id).where(_claimable(utcnow()))
                               .order_by(InboundEvent.next_attempt_at).limit(limit)))
    session.commit()
    return ids


def claim(session, row_id):
    """The envelope if this worker now owns the event, else None (someone else has it)."""
    now = utcnow()
    result = session.execute(update(InboundEvent).where(InboundEvent.id == row_id, _claimable(now))
                             .values(status="processing", claimed_until=now + CLAIM_FOR))
    session.commit()
    if result.rowcount != 1:
        return None
    return session.scalar(select(InboundEvent.envelope).where(InboundEvent.id == row_id))


def renew_claim(session, row_id):
    """Push the claim of an event still being handled further out; False once it is not."""
    result = session.execute(update(InboundEvent)
                             .where(InboundEvent.id == row_id, InboundEvent.status == "processing")
                             .values(claimed_until=utcnow() + CLAIM_FOR))
    session.commit()
    return result.rowcount == 1


def done(session, row_id, emails):
    """Mark handled; call inside the transaction that records the emails."""
    session.execute(update(InboundEvent).where(InboundEvent.id == row_id)
                    .values(status="done", emails=emails, processed_at=utcnow(), claimed_until=None,
                            last_error=None))


def failed(session, row_id, exc):
    """Handling failed: try again later, or give up loudly when it can never work."""
    session.rollback()
    row = session.get(InboundEvent, row_id)
    row.attempts += 1
    row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    row.claimed_until = None
    permanent = (isinstance(exc, ServiceError) and exc.status < 500) or isinstance(exc, (KeyError, TypeError,
                                                                                       ValueError))
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        log.error("event %s (%s) could not be handled by %s, giving up after %d attempt(s): %s",
                  row.event_id, row.event_type, row.handler, row.attempts, row.last_error)
    else:
        row.status = "pending"
        row.next_attempt_at = utcnow() + timedelta(seconds=backoff(row.attempts))
        log.warning("event %s (%s): handling failed (attempt %d), retrying: %s", row.event_id,
                    row.event_type, row.attempts, row.last_error)
    session.commit()


def purge(session):
    before = utcnow() - RETENTION
    session.execute(delete(InboundEvent).where(InboundEvent.status == "done", InboundEvent.processed_at < before))
    # notifications publishes nothing, so OutboxRelayMixin's prune does not run here: its handled ids go here
    session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < before))
    session.commit()
