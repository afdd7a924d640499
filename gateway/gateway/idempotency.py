"""Idempotency-Key on every mutating POST of the staff and portal API.

The first answer (status and body) of a successful request is kept with its key for 24 hours,
per organization and actor (the accounts service stores it: the gateway has no database). A retry
with the same key and the same request gets that answer again, marked `Idempotent-Replayed: true`,
without doing the work twice; the same key with a different request is 422
`idempotency_key_reused`; while the first is still running, 409 `idempotency_key_in_use`. A request
that failed is not remembered, so its retry runs again. Card payments keep their own, stricter keys
in billing (`own_idempotency`).
"""
import hashlib
import logging

from flask import Response, g, make_response, request

from portico_kit.errors import ServiceError

from .calls import call
from .errors import ApiError

log = logging.getLogger(__name__)
MAX_KEY_LENGTH = 255
HEADER = "Idempotency-Key"


def own_idempotency(view):
    """The view handles the Idempotency-Key itself (payments: the key goes to the processor)."""
    view.own_idempotency = True
    return view


def request_key():
    """The request's Idempotency-Key, None without one, 400 when it is not usable."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(400, "invalid_idempotency_key",
                       f"The Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters.")
    return key


def fingerprint():
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1"),
                 request.get_data(cache=True)):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def run_idempotently(view, args, kwargs):
    """Run an authenticated API view (g.actor is set), remembering its answer by Idempotency-Key."""
    if request.method != "POST" or getattr(view, "own_idempotency", False):
        return view(*args, **kwargs)
    key = request_key()
    if key is None:
        return view(*args, **kwargs)
    begun = call("accounts", "idempotency_begin", g.actor, key, fingerprint())
    if begun["state"] == "reused":
        raise ApiError(422, "idempotency_key_reused",
                       "This Idempotency-Key was already used for a different request; use a new key.",
                       {"Idempotency-Key": "Used for a different request."})
    if begun["state"] == "in_progress":
        raise ApiError(409, "idempotency_key_in_use",
                       "A request with this Idempotency-Key is still running; retry in a moment.")
    if begun["state"] == "done":
        return Response(begun["body"], status=begun["status"], mimetype="application/json",
                        headers={"Idempotent-Replayed": "true"})
    try:
        response = make_response(view(*args, **kwargs))
    except BaseException:
        _release(key)
        raise
    if 200 <= response.status_code < 300 and response.mimetype == "application/json":
        try:
            call("accounts", "idempotency_finish", g.actor, key, response.status_code, response.get_data(as_text=True))
        except ServiceError as exc:  # done, but not remembered: released after a while (abandoned)
            log.warning("Idempotency-Key answer not stored: %s", exc)
    else:
        _release(key)
    return response


def _release(key):
    try:
        call("accounts", "idempotency_release", g.actor, key)
    except ServiceError as exc:
        log.warning("Idempotency-Key not released (free again after a while): %s", exc)
