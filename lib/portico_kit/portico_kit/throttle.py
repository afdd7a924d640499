"""Counting attempts per key in a sliding window, for 429s against guessing and mail bombing.

Accounts and portal both throttle sign-ins and password-reset requests. Each keeps its attempts in
its own table (a service never shares a database) with at least `kind`, `email` and `failed_at`
columns, plus any scope column of its own (portal: `org_id`); this module holds the logic once.
Attempts are recorded whether or not the account exists, so a 429 never tells an attacker that
an email is known.
"""
from datetime import timedelta

from sqlalchemy import delete, func, select

from .errors import TooManyRequests
from .timeutil import aware, utcnow


class Throttle:
    def __init__(self, model, kind, limit, window_minutes, message):
        self.model, self.kind, self.limit = model, kind, limit
        self.window = timedelta(minutes=window_minutes)
        self.message = message

    def _where(self, keys):
        return [self.model.kind == self.kind] + [getattr(self.model, k) == v for k, v in keys.items()]

    def check(self, db, **keys):
        """Raise 429 when `keys` (e.g. email=...) used up the window's attempts."""
        now = utcnow()
        since = now - self.window
        count, oldest = db.execute(select(func.count(), func.min(self.model.failed_at)).where(
            *self._where(keys), self.model.failed_at >= since)).one()
        if count >= self.limit:
            # the window slides: one attempt frees up when the oldest one in it leaves
            wait = (aware(oldest) + self.window - now).total_seconds() if oldest else self.window.total_seconds()
            raise TooManyRequests(code="too_many_attempts", message=self.message, retry_after=wait)

    def record(self, db, **keys):
        db.add(self.model(kind=self.kind, **keys))

    def clear(self, db, **keys):
        db.execute(delete(self.model).where(*self._where(keys)))

    def purge(self, db):
        db.execute(delete(self.model).where(self.model.kind == self.kind,
                                            self.model.failed_at < utcnow() - self.window))
