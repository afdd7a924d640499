"""Counting attempts per key in a sliding window, for 429s against guessing and mail bombing.

Accounts and portal both throttle sign-ins and password-reset requests. Each keeps its attempts in
its own table (a service never shares a database) with at least `kind`, `email`, `client` and
`failed_at` columns, plus any scope column of its own (portal: `org_id`); this module holds the
logic once.
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


def client_key(value):
    """A client address as given by the gateway, bounded for its column; "" when there is none."""
    return value.strip()[:45] if isinstance(value, str) else ""


class SignInThrottle:
    """Failed sign-ins counted two ways, so that nobody can lock someone else out and spraying is
    still stopped:

    - per account *from one client address* (`per_account`): ten wrong passwords from one address
      lock that address out of that account only; the owner signing in from elsewhere gets in;
    - per client address over every account (`per_client`): one password tried against many
      emails from one address gets 429 too.

    `client` is the address the gateway saw (see gateway/client_address.py); without one (a caller
    that is not a browser) the per-account count is per account alone, as before.
    """

    def __init__(self, model, per_account, per_client, window_minutes):
        self.account = Throttle(model, "login", per_account, window_minutes,
                                f"Too many failed sign-ins; try again in {window_minutes} minutes.")
        self.client = Throttle(model, "login", per_client, window_minutes,
                               f"Too many failed sign-ins from your network; try again in {window_minutes} minutes.")

    def check(self, db, client=None, **keys):
        self.account.check(db, client=client or "", **keys)
        if client:
            self.client.check(db, client=client)

    def record(self, db, client=None, **keys):
        self.account.record(db, client=client or "", **keys)

    def clear(self, db, client=None, **keys):
        self.account.clear(db, client=client or "", **keys)

    def purge(self, db):
        self.account.purge(db)
