"""The gateway's session cache (session_cache.py) and its revocation listener (revocations.py)."""
import threading
import time

import pytest
from kombu import Connection, Producer

from gateway import revocations
from gateway.session_cache import SessionCache

PORTAL_SESSION = {"actor": {"kind": "customer", "org_id": "org-1", "customer_id": "cu-1", "contact_id": "ct-1",
                            "name": "Bob"},
                  "contact": {"id": "ct-1", "email": "bob@x.test", "name": "Bob"},
                  "portal": {"name": "acme", "url": "http://portico.test/portal/acme", "banner_message": "",
                             "organization_name": "Acme", "features": {}}}


def _ended():
    from portico_kit.errors import Unauthorized
    raise Unauthorized(code="invalid_session", message="Please sign in again.")


@pytest.fixture
def cache(app):
    cache = app.extensions["portico.session_cache"]
    cache.set_live(True)  # as once the listener consumes
    return cache


@pytest.fixture
def portal(rpc):
    state = {"valid": True}
    rpc.on("portal", "resolve_session",
           lambda name, token: PORTAL_SESSION if token == "p-good" and state["valid"] else _ended())
    return state


def test_a_cached_token_costs_no_rpc_until_it_expires(client, rpc, auth, cache):
    rpc.on("accounts", "get_organization", {"id": "org-1", "name": "Acme"})
    for _ in range(3):
        assert client.get("/api/v1/organization", headers=auth).status_code == 200
    assert len(rpc.called("accounts", "authenticate")) == 1
    cache.clock = lambda: time.monotonic() + cache.ttl + 1  # later than its TTL
    assert client.get("/api/v1/organization", headers=auth).status_code == 200
    assert len(rpc.called("accounts", "authenticate")) == 2


def test_without_the_listener_every_request_asks_the_service(client, rpc, auth, app):
    rpc.on("accounts", "get_organization", {"id": "org-1", "name": "Acme"})
    assert not app.extensions["portico.session_cache"].live  # unit tests start no listener
    for _ in range(3):
        client.get("/api/v1/organization", headers=auth)
    assert len(rpc.called("accounts", "authenticate")) == 3


def test_a_failed_token_is_not_remembered(client, rpc, cache):
    rpc.on("accounts", "get_organization", {"id": "org-1"})
    for _ in range(2):
        assert client.get("/api/v1/organization", headers={"Authorization": "Bearer bad"}).status_code == 401
    assert len(rpc.called("accounts", "authenticate")) == 2


def test_eviction_by_customer_or_contact_ends_the_cached_session(client, rpc, cache, portal):
    headers = {"Authorization": "Bearer p-good"}
    rpc.on("customers", "get_customer", {"id": "cu-1", "display_name": "Bob"})
    assert client.get("/portal/acme/api/v1/me", headers=headers).status_code == 200
    assert client.get("/portal/acme/api/v1/me", headers=headers).status_code == 200
    assert len(rpc.called("portal", "resolve_session")) == 1
    portal["valid"] = False  # staff disabled the portal ...
    assert client.get("/portal/acme/api/v1/me", headers=headers).status_code == 200  # ... still cached
    assert cache.evict(("customer", "cu-1")) == 1  # ... and the event arrives
    assert client.get("/portal/acme/api/v1/me", headers=headers).status_code == 401
    portal["valid"] = True
    assert client.get("/portal/acme/api/v1/me", headers=headers).status_code == 200
    assert cache.evict(("contact", "ct-1")) == 1
    assert cache.evict(("contact", "ct-1")) == 0


def test_another_portals_name_is_not_answered_from_the_cache(client, rpc, cache, portal):
    headers = {"Authorization": "Bearer p-good"}
    client.get("/portal/acme/api/v1/me", headers=headers)
    rpc.on("portal", "resolve_session", lambda name, token: PORTAL_SESSION if name == "acme" else _ended())
    assert client.get("/portal/other/api/v1/me", headers=headers).status_code == 401


def test_logout_forgets_the_token_here_at_once(client, rpc, auth, cache):
    rpc.on("accounts", "logout", {"ok": True})
    rpc.on("accounts", "get_organization", {"id": "org-1"})
    client.get("/api/v1/organization", headers=auth)
    assert len(cache) == 1
    client.post("/api/v1/logout", headers=auth)
    assert len(cache) == 0


def test_changing_ones_own_language_evicts_ones_actor(client, rpc, auth, cache):
    rpc.on("accounts", "get_organization", {"id": "org-1"})
    rpc.on("accounts", "update_profile", lambda actor, body: dict(body, id="u-1"))
    client.get("/api/v1/organization", headers=auth)
    client.patch("/api/v1/profile", json={"language": "fr"}, headers=auth)
    assert len(cache) == 0


def test_a_lookup_overtaken_by_a_revocation_is_not_stored():
    cache = SessionCache(ttl_seconds=5)
    cache.set_live(True)

    def load():  # the answer was read before the revocation, which lands while it travels back
        cache.evict(("customer", "cu-1"))
        return PORTAL_SESSION
    assert cache.resolve("portal", "tok", "acme", load=load) == PORTAL_SESSION
    assert len(cache) == 0
    cache.resolve("portal", "tok", "acme", load=lambda: PORTAL_SESSION)
    assert len(cache) == 1


def test_the_cache_is_bounded_and_answers_are_copies():
    cache = SessionCache(ttl_seconds=5, max_entries=3)
    cache.set_live(True)
    for n in range(5):
        cache.resolve("staff", f"t{n}", load=lambda n=n: {"kind": "staff", "user_id": f"u{n}"})
    assert len(cache) == 3
    assert cache.evict(("user", "u0"), ("user", "u1")) == 0  # the oldest went first
    got = cache.resolve("staff", "t4", load=lambda: pytest.fail("should be cached"))
    got["name"] = "changed by a view"
    assert "name" not in cache.resolve("staff", "t4", load=lambda: pytest.fail("should be cached"))


def test_losing_the_listener_empties_and_turns_off_the_cache():
    cache = SessionCache(ttl_seconds=5)
    cache.set_live(True)
    cache.resolve("staff", "t", load=lambda: {"user_id": "u"})
    cache.set_live(False)
    assert len(cache) == 0
    calls = []
    for _ in range(2):
        cache.resolve("staff", "t", load=lambda: calls.append(1) or {"user_id": "u"})
    assert len(calls) == 2 and len(cache) == 0


def test_threads_share_one_cache_safely():
    cache = SessionCache(ttl_seconds=5, max_entries=50)
    cache.set_live(True)
    errors = []

    def work(n):
        try:
            for i in range(300):
                cache.resolve("staff", f"t{i % 80}", load=lambda i=i: {"user_id": f"u{i % 80}", "org_id": "o"})
                if i % 17 == 0:
                    cache.evict(("user", f"u{(i + n) % 80}"))
        except Exception as exc:  # pragma: no cover - what the test is looking for
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(cache) <= 50
    left = len(cache)
    assert cache.evict(("org", "o")) == left and len(cache) == 0  # the tag index kept up with every entry


@pytest.mark.parametrize("source, event_type, data, org_id, tag", [
    ("portal", "portal_disabled", {"customer": {"id": "cu-1", "display_name": "B"}}, "o", ("customer", "cu-1")),
    ("portal", "portal_sessions_ended", {"customer": {"id": "cu-1"}, "contact": {"id": "ct-1"}, "reason": "logout"},
     "o", ("contact", "ct-1")),
    ("portal", "portal_sessions_ended", {"customer": {"id": "cu-1"}, "contact": None, "reason": "customer_deleted"},
     "o", ("customer", "cu-1")),
    ("customers", "contact_updated", {"customer": {"id": "cu-1"}, "contact": {"id": "ct-1"}}, "o", ("contact", "ct-1")),
    ("accounts", "staff_sessions_ended", {"user": {"id": "u-1"}, "reason": "logout"}, "o", ("user", "u-1")),
    ("accounts", "organization_updated", {"organization": {"id": "org-9"}}, "org-9", ("org", "org-9")),
])
def test_each_revocation_event_evicts_its_tag(source, event_type, data, org_id, tag):
    assert revocations.tags_of(source, event_type, {"data": data, "org_id": org_id}) == [tag]


def test_unknown_or_malformed_events_evict_nothing():
    assert revocations.tags_of("billing", "invoice_sent", {"data": {}}) == []
    assert revocations.tags_of("portal", "portal_disabled", {"data": "junk"}) == []
    assert revocations.tags_of("portal", "portal_disabled", "junk") == []


def test_the_listener_evicts_on_a_published_event_and_only_then_turns_the_cache_on():
    """Against the real broker, on a vhost of its own: the event nameko's outbox publishes."""
    from portico_kit.testing import rabbit
    vhost = rabbit.create_vhost("gw_revocations")
    uri = rabbit.uri_for(vhost)
    cache = SessionCache(ttl_seconds=60)
    listener = revocations.RevocationListener(uri, cache, retry_seconds=0.2)
    try:
        assert not cache.live
        listener.start()
        assert listener.consuming.wait(10) and cache.live
        cache.resolve("portal", "tok", "acme", load=lambda: PORTAL_SESSION)
        cache.resolve("staff", "st", load=lambda: {"kind": "staff", "org_id": "org-1", "user_id": "u-1"})
        assert len(cache) == 2
        with Connection(uri) as connection:
            producer = Producer(connection)
            producer.publish({"event_type": "portal_disabled", "org_id": "org-1",
                              "data": {"customer": {"id": "cu-1", "display_name": "Bob"}}},
                             exchange=revocations.exchange("portal"), routing_key="portal_disabled",
                             serializer="json", declare=[revocations.exchange("portal")])
            deadline = time.monotonic() + 1.0
            while len(cache) != 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(cache) == 1  # the customer's session went, within a second; the staff token stayed
            producer.publish({"event_type": "staff_sessions_ended", "org_id": "org-1",
                              "data": {"user": {"id": "u-1"}, "reason": "logout"}},
                             exchange=revocations.exchange("accounts"), routing_key="staff_sessions_ended",
                             serializer="json", declare=[revocations.exchange("accounts")])
            deadline = time.monotonic() + 1.0
            while len(cache) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(cache) == 0
    finally:
        listener.stop()
        listener.join(5)
        rabbit.delete_vhost(vhost)
    assert not cache.live  # stopped: the cache is off again
