"""Delivery that loses nothing: claim a recorded message, send it, retry with backoff, give up loudly.

A message is claimed with a compare-and-set update, so two workers (or two replicas) never send
the same one; a claim that outlives a crashed worker expires and the message is tried again.
"""
import logging
import smtplib
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from portico_kit import config
from portico_kit.timeutil import utcnow

from . import mailer
from .models import EmailMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = config.env_int("MAIL_MAX_ATTEMPTS", 8)
RETRY_BASE = config.env_float("MAIL_RETRY_BASE_SECONDS", 5.0)
RETRY_MAX = config.env_float("MAIL_RETRY_MAX_SECONDS", 3600.0)
CLAIM_FOR = timedelta(seconds=config.env_float("MAIL_CLAIM_SECONDS", 120.0))


def backoff(attempts):
    """Seconds to wait after `attempts` failed tries: 5, 10, 20, 40 ... capped."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_MAX)


def _claimable(now):
    return or_(and_(EmailMessage.status == "queued", EmailMessage.next_attempt_at <= now),
               and_(EmailMessage.status == "sending", EmailMessage.claimed_until < now))


def due_ids(session, limit=50):
    now = utcnow()
    return list(session.scalars(select(EmailMessage.id).where(_claimable(now))
                                .order_by(EmailMessage.next_attempt_at).limit(limit)))


def claim(session, message_id):
    now = utcnow()
    result = session.execute(update(EmailMessage)
                             .where(EmailMessage.id == message_id, _claimable(now))
                             .values(status="sending", claimed_until=now + CLAIM_FOR))
    session.commit()
    return result.rowcount == 1


def deliver(session, message_id):
    """Try to send one message now. Returns its status afterwards."""
    if not claim(session, message_id):
        return None
    message = session.get(EmailMessage, message_id)
    session.refresh(message)
    try:
        mailer.send(mailer.build(message))
    except Exception as exc:  # every failure is recorded on the message, none is raised
        _failed(message, exc)
    else:
        message.status, message.sent_at, message.last_error = "sent", utcnow(), None
        message.attempts += 1
    message.claimed_until = None
    session.commit()
    return message.status


def _failed(message, exc):
    message.attempts += 1
    message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    permanent = isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500 or \
        isinstance(exc, smtplib.SMTPRecipientsRefused)
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
        log.error("email %s to %s failed for good after %d attempt(s): %s", message.id,
                  message.to_email, message.attempts, message.last_error)
    else:
        message.status = "queued"
        message.next_attempt_at = utcnow() + timedelta(seconds=backoff(message.attempts))
        log.warning("email %s to %s failed (attempt %d), retrying: %s", message.id,
                    message.to_email, message.attempts, message.last_error)
