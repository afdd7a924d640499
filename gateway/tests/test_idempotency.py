"""Idempotency-Key on mutating API requests, with the accounts store faked in memory (its own
tests are in services/accounts), and truthful reports of a customer's portal after a lost answer."""
import pytest

from portico_kit.errors import ServiceTimeout, ServiceUnavailable

CUSTOMER = {"id": "cu-1", "display_name": "Bob", "email": "bob@x.test", "contacts": []}


class MemoryStore:
    """What accounts' idempotency_begin / finish / release do, per (org, actor, key)."""

    def __init__(self, rpc):
        self.records = {}
        rpc.on("accounts", "idempotency_begin", self.begin)
        rpc.on("accounts", "idempotency_finish", self.finish)
        rpc.on("accounts", "idempotency_release", self.release)

    @staticmethod
    def ident(actor, key):
        return actor["org_id"], actor.get("user_id") or actor.get("contact_id"), key

    def begin(self, actor, key, fingerprint):
        record = self.records.get(self.ident(actor, key))
        if record is None:
            self.records[self.ident(actor, key)] = {"fingerprint": fingerprint, "status": None}
            return {"state": "new"}
        if record["fingerprint"] != fingerprint:
            return {"state": "reused"}
        if record["status"] is None:
            return {"state": "in_progress"}
        return {"state": "done", "status": record["status"], "body": record["body"]}

    def finish(self, actor, key, status, body):
        self.records[self.ident(actor, key)].update(status=status, body=body)

    def release(self, actor, key):
        self.records.pop(self.ident(actor, key), None)


@pytest.fixture
def store(rpc):
    return MemoryStore(rpc)


def created(rpc):
    made = []

    def create(actor, body, key=None):  # the key is customers' to keep (services/customers tests)
        made.append(body)
        return dict(CUSTOMER, id=f"cu-{len(made)}", display_name=body["display_name"])
    rpc.on("customers", "create_customer", create)
    return made


def test_a_retry_with_the_same_key_returns_the_first_answer_without_doing_it_again(client, rpc, auth, store):
    made = created(rpc)
    headers = dict(auth, **{"Idempotency-Key": "create-bob-1"})
    first = client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=headers)
    again = client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.json["id"] == "cu-1"
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert len(made) == 1
    other = client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=dict(auth, **{"Idempotency-Key": "2"}))
    assert other.json["id"] == "cu-2" and len(made) == 2  # another key is another request


def test_the_same_key_with_another_body_is_refused(client, rpc, auth, store):
    made = created(rpc)
    headers = dict(auth, **{"Idempotency-Key": "k"})
    assert client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=headers).status_code == 201
    response = client.post("/api/v1/customers", json={"display_name": "Eve"}, headers=headers)
    assert response.status_code == 422 and response.json["error"]["code"] == "idempotency_key_reused"
    assert len(made) == 1


def test_keys_are_per_actor(client, rpc, auth, store):
    made = created(rpc)
    client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=dict(auth, **{"Idempotency-Key": "k"}))
    rpc.on("accounts", "authenticate", lambda token: {"kind": "staff", "org_id": "org-2", "user_id": "u-9",
                                                      "name": "Other", "email": "o@other.test"})
    response = client.post("/api/v1/customers", json={"display_name": "Bob"},
                           headers=dict(auth, **{"Idempotency-Key": "k"}))
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers and len(made) == 2


def test_a_failed_request_is_not_remembered_and_its_retry_runs(client, rpc, auth, store):
    def down(actor, body, key=None):
        raise ServiceUnavailable(message="The customers service is not running.")
    rpc.on("customers", "create_customer", down)
    headers = dict(auth, **{"Idempotency-Key": "k"})
    assert client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=headers).status_code == 503
    assert store.records == {}
    made = created(rpc)
    assert client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=headers).status_code == 201
    assert len(made) == 1


def test_a_request_still_running_is_not_run_twice(client, rpc, auth, store):
    made = created(rpc)
    store.records[("org-1", "u-1", "k")] = {"fingerprint": "whatever", "status": None}
    rpc.on("accounts", "idempotency_begin", lambda actor, key, fp: {"state": "in_progress"})
    response = client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=dict(auth, **{"Idempotency-Key": "k"}))
    assert response.status_code == 409 and response.json["error"]["code"] == "idempotency_key_in_use"
    assert made == []


def test_an_unusable_key_is_400_and_no_key_changes_nothing(client, rpc, auth, store):
    made = created(rpc)
    response = client.post("/api/v1/customers", json={"display_name": "Bob"},
                           headers=dict(auth, **{"Idempotency-Key": "x" * 256}))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_idempotency_key"
    assert client.post("/api/v1/customers", json={"display_name": "Bob"}, headers=auth).status_code == 201
    assert rpc.called("accounts", "idempotency_begin") == [] and len(made) == 1


def test_the_portal_api_takes_keys_too(client, rpc, store):
    from .test_customer_book_routes import PORTAL_SESSION
    rpc.on("portal", "resolve_session", lambda name, token: PORTAL_SESSION)
    comments = []
    rpc.on("billing", "add_comment",
           lambda actor, kind, doc, body, key=None: comments.append((body, key)) or {"id": "c1", **body})
    headers = {"Authorization": "Bearer portal-token", "Idempotency-Key": "comment-1"}
    for _ in range(2):
        response = client.post("/portal/acme/api/v1/invoices/inv-1/comments", json={"body": "Hi"}, headers=headers)
        assert response.status_code == 201 and response.json["id"] == "c1"
    assert comments == [({"body": "Hi"}, "comment-1")]  # run once; billing also keeps the key


def test_card_payments_keep_billings_own_keys_and_never_ask_the_store(client, rpc, store):
    """billing keys a payment per customer and invoice (and hands the key to the processor): the
    gateway's store would only add a second, weaker memory in front of it."""
    from .test_customer_book_routes import PORTAL_SESSION
    rpc.on("portal", "resolve_session", lambda name, token: PORTAL_SESSION)
    rpc.on("billing", "pay_invoice", lambda actor, inv, body, key: {"id": "pay-1", "key": key})
    rpc.on("billing", "create_payment_intent", lambda actor, inv, body, key: {"id": "pi-1", "key": key})
    headers = {"Authorization": "Bearer portal-token", "Idempotency-Key": "pay-1"}
    for path in ("payments", "payment-intents"):
        for _ in range(2):
            response = client.post(f"/portal/acme/api/v1/invoices/inv-1/{path}", json={"amount": "1.00"},
                                   headers=headers)
            assert response.status_code == 201 and response.json["key"] == "pay-1"
            assert "Idempotent-Replayed" not in response.headers
    assert len(rpc.called("billing", "pay_invoice")) == 2 and len(rpc.called("billing", "create_payment_intent")) == 2
    assert rpc.called("accounts", "idempotency_begin") == [] and store.records == {}


def test_a_lost_answer_of_enable_portal_is_not_reported_as_a_failure(client, rpc, auth):
    """The broker lost portal's answer, but the portal is on and the invitation went out."""
    rpc.on("customers", "create_customer", CUSTOMER)

    def lost(actor, cid, ids):
        raise ServiceTimeout(message="The portal service did not answer in time.")
    rpc.on("portal", "enable_portal", lost)
    rpc.on("portal", "get_portal_access", {"enabled": True, "contacts": [{"email": "bob@x.test", "status": "invited"}]})
    response = client.post("/api/v1/customers", json={"display_name": "Bob", "email": "bob@x.test",
                                                      "enable_portal": True}, headers=auth)
    assert response.status_code == 201
    assert response.json["portal"]["enabled"] is True and "error" not in response.json["portal"]

    rpc.on("portal", "get_portal_access", {"enabled": False, "contacts": []})  # and when it really did not happen
    response = client.post("/api/v1/customers", json={"display_name": "Bob", "email": "bob@x.test",
                                                      "enable_portal": True}, headers=auth)
    assert response.json["portal"]["enabled"] is False
    assert response.json["portal"]["error"]["code"] == "service_timeout"


def test_the_spec_documents_the_header_on_exactly_the_posts_that_take_it(client):
    spec = client.get("/api/v1/openapi.json").json
    header = {"$ref": "#/components/parameters/idempotency_key"}

    def takes(path):
        return header in spec["paths"][path]["post"].get("parameters", [])
    assert takes("/api/v1/customers") and takes("/portal/{portal_name}/api/v1/invoices/{doc_id}/comments")
    assert not takes("/api/v1/login") and not takes("/api/v1/signup")  # not signed in: nothing to key by
    assert not takes("/portal/{portal_name}/api/v1/invoices/{invoice_id}/payments")  # billing's own, required key
    assert spec["components"]["parameters"]["idempotency_key"]["required"] is False


def test_a_create_retried_after_a_lost_answer_makes_one_customer_and_invites_once(client, rpc, auth, store):
    """The gateway gave up (504) although customers made the customer and portal invited its
    contact; the retry with the same key gets that customer back and invites nobody again."""
    made, enabled, fail = {}, [], [True]

    def create(actor, body, key):
        customer = made.setdefault(key, dict(CUSTOMER, id=f"cu-{len(made) + 1}"))
        if fail:
            fail.clear()
            raise ServiceTimeout(message="The customers service did not answer in time.")
        return customer
    rpc.on("customers", "create_customer", create)
    rpc.on("portal", "enable_portal", lambda actor, cid, ids: enabled.append(cid) or {"enabled": True,
                                                                                     "invited": ["bob@x.test"]})
    rpc.on("portal", "get_portal_access", lambda actor, cid: {"enabled": bool(enabled), "contacts": []})
    headers = dict(auth, **{"Idempotency-Key": "create-bob"})
    body = {"display_name": "Bob", "email": "bob@x.test", "enable_portal": True}
    assert client.post("/api/v1/customers", json=body, headers=headers).status_code == 504
    first = client.post("/api/v1/customers", json=body, headers=headers)
    assert first.status_code == 201 and first.json["id"] == "cu-1" and first.json["portal"]["enabled"]
    assert len(made) == 1 and enabled == ["cu-1"]
    [(_, _, key)] = rpc.called("customers", "create_customer")[1:]
    assert key == "create-bob"

    # the gateway's memory of that answer is gone (accounts away when it ended, or a day later):
    # the retry still makes no second customer, and the portal, on already, invites nobody again
    store.records.clear()
    again = client.post("/api/v1/customers", json=body, headers=headers)
    assert again.status_code == 201 and again.json["id"] == "cu-1" and again.json["portal"]["enabled"]
    assert len(made) == 1 and enabled == ["cu-1"]


def test_a_recorded_payment_passes_its_key_to_billing(client, rpc, auth, store):
    """billing records a payment once per key (services/billing tests), so a retry after a lost
    answer (here: the store forgot it) records nothing twice."""
    rpc.on("billing", "record_payment", lambda actor, body, key=None: {"id": "pay-1", "key": key})
    headers = dict(auth, **{"Idempotency-Key": "pay-once"})
    response = client.post("/api/v1/payments", json={"invoice_id": "inv-1", "amount": "1.00"}, headers=headers)
    assert response.status_code == 201
    [(_, _, key)] = rpc.called("billing", "record_payment")
    assert key == "pay-once"
    client.post("/api/v1/payments", json={"invoice_id": "inv-1", "amount": "1.00"}, headers=auth)
    assert len(rpc.called("billing", "record_payment")[1]) == 2  # no key: none passed
