"""The gateway's memory of Idempotency-Keys: the first answer (status and body) to a mutating API
request, per organization, actor and key, for IDEMPOTENCY_TTL_HOURS (24). A retry with the same
key and the same request gets that answer back; with another request it is refused."""
from datetime import timedelta

from nameko.timer import timer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from portico_kit import config
from portico_kit.actors import org_of
from portico_kit.rpc import rpc
from portico_kit.timeutil import aware, utcnow

from .models import IdempotencyRecord

TTL = timedelta(hours=config.env_float("IDEMPOTENCY_TTL_HOURS", 24))
# a first request that never finished or released its key (its gateway died, or the broker was
# away when it failed): the key is free again after this, longer than a request runs
ABANDONED = timedelta(seconds=config.env_float("IDEMPOTENCY_ABANDONED_SECONDS", 30))


def actor_id(actor):
    """Staff by user, customers by contact: two people of one organization never share keys."""
    who = actor.get("user_id") or actor.get("contact_id") or actor.get("customer_id") or ""
    return f"{actor.get('kind')}:{who}"


class IdempotencyKeys:
    """Mixed into the accounts service (which has `db`)."""

    @rpc
    def idempotency_begin(self, actor, key, fingerprint):
        """{"state": "new"} (the caller runs the request, then finishes or releases the key),
        "done" with the first {status, body}, "reused" (another request) or "in_progress"."""
        ident = (org_of(actor), actor_id(actor), key)
        now = utcnow()
        record = self.db.get(IdempotencyRecord, ident)
        if record is not None and aware(record.created_at) < now - TTL:
            self.db.delete(record)
            self.db.flush()
            record = None
        if record is None:
            self.db.add(IdempotencyRecord(org_id=ident[0], actor_id=ident[1], key=key, fingerprint=fingerprint,
                                          created_at=now))
            try:
                self.db.commit()
                return {"state": "new"}
            except IntegrityError:  # the same key at the same moment: the other one runs it
                self.db.rollback()
                record = self.db.get(IdempotencyRecord, ident)
        if record.fingerprint != fingerprint:
            return {"state": "reused"}
        if record.status is not None:
            return {"state": "done", "status": record.status, "body": record.body}
        if aware(record.created_at) < now - ABANDONED:
            record.created_at = now
            self.db.commit()
            return {"state": "new"}
        return {"state": "in_progress"}

    @rpc
    def idempotency_finish(self, actor, key, status, body):
        record = self.db.get(IdempotencyRecord, (org_of(actor), actor_id(actor), key))
        if record is not None:
            record.status, record.body = int(status), body
            self.db.commit()

    @rpc
    def idempotency_release(self, actor, key):
        """The request failed: nothing to remember, a retry runs it again."""
        self.db.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.org_id == org_of(actor), IdempotencyRecord.actor_id == actor_id(actor),
            IdempotencyRecord.key == key, IdempotencyRecord.status.is_(None)))
        self.db.commit()

    @timer(interval=3600)
    def prune_idempotency_records(self):
        self.db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - TTL))
        self.db.commit()
