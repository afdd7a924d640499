"""Who a token is, remembered for a few seconds: no `resolve_session` / `authenticate` RPC per request.

Per gateway process, shared by its threads. What keeps "disable ends sessions at once" true is the
revocation listener (revocations.py): it consumes the services' events on a queue of this process
and evicts at once. The cache only answers while that listener is consuming; before it has bound
its queue, and whenever its connection is lost, the cache is emptied and every request asks the
owning service again, as without a cache. Why this and not signed tokens: docs/architecture.md.

Entries carry tags (`("org", id)`, `("customer", id)`, `("contact", id)`, `("user", id)`) taken
from the actor they resolve to; an event evicts every entry with its tag. A lookup that started
before an eviction does not store its answer (the epoch moved), so an answer read just before a
revocation cannot land in the cache just after it.
"""
import copy
import hashlib
import threading
import time
from collections import OrderedDict

from . import metrics


def actor_tags(actor):
    tags = set()
    for kind, key in (("org", "org_id"), ("customer", "customer_id"), ("contact", "contact_id"),
                      ("user", "user_id")):
        value = (actor or {}).get(key)
        if value:
            tags.add((kind, str(value)))
    return tags


def _key(kind, token):
    return kind, hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()


class SessionCache:
    def __init__(self, ttl_seconds=5.0, max_entries=10000, clock=time.monotonic):
        self.ttl, self.max_entries, self.clock = float(ttl_seconds), int(max_entries), clock
        self._lock = threading.Lock()
        self._entries = OrderedDict()  # key -> (expires_at, value, tags), oldest use first
        self._tagged = {}  # tag -> set of keys
        self._epoch = 0
        self._live = False  # the listener is consuming: only then may the cache answer

    # -- the listener's side -------------------------------------------------------------------

    def set_live(self, live):
        """The revocation listener is consuming (True), or lost its connection (False: forget all)."""
        with self._lock:
            self._live = bool(live) and self.ttl > 0
            self._epoch += 1
            self._entries.clear()
            self._tagged.clear()

    @property
    def live(self):
        return self._live

    def evict(self, *tags):
        """Forget every entry carrying one of `tags`; returns how many went."""
        gone = 0
        with self._lock:
            self._epoch += 1
            for tag in tags:
                for key in self._tagged.pop(tag, ()):
                    if self._drop(key):
                        gone += 1
        if gone:
            metrics.observe_session_cache("evicted", gone)
        return gone

    def clear(self):
        with self._lock:
            self._epoch += 1
            self._entries.clear()
            self._tagged.clear()

    # -- the request's side --------------------------------------------------------------------

    def resolve(self, kind, token, *scope, load):
        """`load()` (the RPC) unless a fresh answer for this token (and scope: the portal's name)
        is remembered. Errors (a 401) are never remembered: a failing token asks again next time."""
        if not self._live:
            return load()
        key = _key(kind, token)
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            hit = None
            if entry is not None and entry[0] > now and entry[3] == scope:
                self._entries.move_to_end(key)
                hit = entry[1]
            elif entry is not None and entry[0] <= now:
                self._drop(key)
            epoch = self._epoch
        if hit is not None:
            metrics.observe_session_cache("hit")
            return copy.deepcopy(hit)  # a view may change its g.actor: never the remembered one
        metrics.observe_session_cache("miss")
        value = load()
        actor = value.get("actor", value) if isinstance(value, dict) else None
        with self._lock:
            if self._live and self._epoch == epoch:
                self._store(key, copy.deepcopy(value), actor_tags(actor), self.clock() + self.ttl, scope)
        return value

    def forget(self, kind, token):
        """This token signed out here: gone from this process at once (the event does the others)."""
        if not token:
            return
        with self._lock:
            self._epoch += 1
            self._drop(_key(kind, token))

    def __len__(self):
        return len(self._entries)

    # -- under the lock ------------------------------------------------------------------------

    def _store(self, key, value, tags, expires_at, scope):
        self._drop(key)
        self._entries[key] = (expires_at, value, tags, scope)
        for tag in tags:
            self._tagged.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_entries:
            self._drop(next(iter(self._entries)))

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        for tag in entry[2]:
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]
        return True
