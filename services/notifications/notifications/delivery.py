"""Delivery that loses nothing: claim a recorded message, send it, retry with backoff, give up loudly.

A message is claimed with a compare-and-set update, so two workers (or two replicas) never send
the same one. The claim is short (MAIL_CLAIM_SECONDS, 15) and renewed every
MAIL_CLAIM_RENEW_SECONDS (5) while the worker is alive and sending, so a slow SMTP server keeps
its message while the mail of a killed worker is tried again within seconds.

No database connection is held while connecting to the SMTP server. Just before the message data
goes out, "sent" is written in an open transaction, committed the instant the server accepts
(and rolled back if it does not). So the only way a crash can cause a second copy is a kill
between the server's "250 accepted" and that commit; such a copy carries the same Message-ID,
so mail clients show it once. (No SMTP client can do better: the server's acceptance and our
record cannot be one atomic step.)
"""
import contextlib
import logging
import random
import smtplib
from datetime import timedelta

import eventlet
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from portico_kit import config
from portico_kit.timeutil import utcnow

from . import mailer
from .models import EmailMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = config.env_int("MAIL_MAX_ATTEMPTS", 12)
RETRY_BASE = config.env_float("MAIL_RETRY_BASE_SECONDS", 10.0)
RETRY_MAX = config.env_float("MAIL_RETRY_MAX_SECONDS", 3600.0)
CLAIM_FOR = timedelta(seconds=config.env_float("MAIL_CLAIM_SECONDS", 15.0))
RENEW_EVERY = config.env_float("MAIL_CLAIM_RENEW_SECONDS", 5.0)


def backoff(attempts):
    """Seconds to wait after `attempts` failed tries: 10, 20, 40 ... one hour at most (±20%).

    With the defaults the last of 12 attempts is about 4.5 hours after the first."""
    base = min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_MAX)
    return base * random.uniform(0.8, 1.2)


def _claimable(now):
    return or_(and_(EmailMessage.status == "queued", EmailMessage.next_attempt_at <= now),
               and_(EmailMessage.status == "sending", EmailMessage.claimed_until < now))


def due_ids(session, limit=50):
    ids = list(session.scalars(select(EmailMessage.id).where(_claimable(utcnow()))
                               .order_by(EmailMessage.next_attempt_at).limit(limit)))
    session.commit()
    return ids


def claim(session, message_id):
    now = utcnow()
    result = session.execute(update(EmailMessage)
                             .where(EmailMessage.id == message_id, _claimable(now))
                             .values(status="sending", claimed_until=now + CLAIM_FOR, last_attempt_at=now))
    session.commit()
    return result.rowcount == 1


def renew_claim(session, message_id):
    """Push the claim of a message still being sent further out; False once it is not sending."""
    result = session.execute(update(EmailMessage)
                             .where(EmailMessage.id == message_id, EmailMessage.status == "sending")
                             .values(claimed_until=utcnow() + CLAIM_FOR))
    session.commit()
    return result.rowcount == 1


@contextlib.contextmanager
def claim_kept(session, row_id, renew=None):
    """While the block runs, renew a claim every RENEW_EVERY seconds from a session of its own
    (the worker's holds the "sent" transaction at the end of a send): an email's by default, an
    inbox event's with `renew=inbox.renew_claim`. The renewer is told to stop, never killed
    mid-query: it notices on waking and ends without touching the database."""
    done = []
    renew = renew or renew_claim

    def keep():
        with Session(session.get_bind()) as own:
            while True:
                eventlet.sleep(RENEW_EVERY)
                if done:
                    return
                try:
                    if not renew(own, row_id):
                        return
                except Exception:  # the database is busy or away: try again next round
                    own.rollback()
                    log.warning("could not renew the claim of %s", row_id, exc_info=True)
    eventlet.spawn(keep)
    try:
        yield
    finally:
        done.append(True)


def deliver(session, message_id):
    """Try to send one message now. Returns its status afterwards (None: another worker has it)."""
    if not claim(session, message_id):
        return None
    with claim_kept(session, message_id):
        return _send_claimed(session, message_id)


def _send_claimed(session, message_id):
    message = session.scalar(select(EmailMessage).where(EmailMessage.id == message_id)
                             .execution_options(populate_existing=True))
    mail = mailer.build(message)
    session.commit()  # release the connection while we talk to the SMTP server

    def record_sent():  # in a transaction that commits the moment the server says yes
        message.status, message.sent_at, message.last_error = "sent", utcnow(), None
        message.attempts += 1
        message.claimed_until = None
        session.flush()

    committed = []

    def commit_sent():
        session.commit()
        committed.append(True)

    try:
        mailer.send(mail, before_data=record_sent, on_accepted=commit_sent)
    except Exception as exc:  # every failure is recorded on the message, none is raised
        if committed:
            return "sent"
        session.rollback()
        _failed(message, exc)
        message.claimed_until = None
        session.commit()
    return message.status


def permanent(exc):
    """The server refused this message for good (5xx for the recipient or the content)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _failed(message, exc):
    message.attempts += 1
    message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if permanent(exc) or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
        log.error("email %s to %s failed for good after %d attempt(s): %s", message.id,
                  message.to_email, message.attempts, message.last_error)
    else:
        message.status = "queued"
        message.next_attempt_at = utcnow() + timedelta(seconds=backoff(message.attempts))
        log.warning("email %s to %s failed (attempt %d), retrying: %s", message.id,
                    message.to_email, message.attempts, message.last_error)
