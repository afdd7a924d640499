"""Portal access per contact and password reset routes, with the RPC layer faked."""
import pytest

from portico_kit.errors import Gone, Invalid, NotFound, TooManyRequests


def test_resend_passes_chosen_contacts_or_none(client, rpc, auth):
    rpc.on("portal", "resend_invitations", lambda actor, cid, ids: {"invited": [], "skipped": [], "ids": ids})
    assert client.post("/api/v1/customers/cu-1/portal/invite", headers=auth).json["ids"] is None
    response = client.post("/api/v1/customers/cu-1/portal/invite", json={"contact_ids": ["c-1"]}, headers=auth)
    assert response.status_code == 200 and response.json["ids"] == ["c-1"]
    assert client.post("/api/v1/customers/cu-1/portal/invite", json={}, headers=auth).json["ids"] is None


@pytest.mark.parametrize("body", [{"contact_ids": "c-1"}, {"contact_ids": [1]}, {"contact_ids": [""]},
                                  {"contact_ids": ["c-1"], "everyone": True}])
def test_resend_refuses_malformed_contact_ids(client, rpc, auth, body):
    response = client.post("/api/v1/customers/cu-1/portal/invite", json=body, headers=auth)
    assert response.status_code == 422 and response.json["error"]["code"] == "validation_failed"
    assert rpc.called("portal", "resend_invitations") == []


def test_resend_refuses_a_body_that_is_not_json(client, rpc, auth):
    response = client.post("/api/v1/customers/cu-1/portal/invite", data="contact_ids=1", headers=auth,
                           content_type="text/plain")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


def test_per_contact_disable_and_enable_reach_the_portal(client, rpc, auth):
    rpc.on("portal", "disable_contact", lambda actor, cid, contact: {"contact": {"contact_id": contact,
                                                                                "status": "disabled"}})
    rpc.on("portal", "enable_contact", lambda actor, cid, contact: {"contact": {"status": "invited"},
                                                                   "invited": ["a@b.test"]})
    response = client.post("/api/v1/customers/cu-1/portal/contacts/c-2/disable", headers=auth)
    assert response.status_code == 200 and response.json["contact"]["status"] == "disabled"
    [(actor, customer_id, contact_id)] = rpc.called("portal", "disable_contact")
    assert (actor["org_id"], customer_id, contact_id) == ("org-1", "cu-1", "c-2")
    response = client.post("/api/v1/customers/cu-1/portal/contacts/c-2/enable", headers=auth)
    assert response.json["invited"] == ["a@b.test"]


def test_per_contact_routes_need_staff_and_hide_other_organizations(client, rpc, auth):
    assert client.post("/api/v1/customers/cu-1/portal/contacts/c-2/disable").status_code == 401

    def not_ours(*args):
        raise NotFound(message="Customer not found.")
    rpc.on("portal", "disable_contact", not_ours)
    response = client.post("/api/v1/customers/cu-9/portal/contacts/c-2/disable", headers=auth)
    assert response.status_code == 404 and response.json == {"error": {"code": "not_found",
                                                                       "message": "Customer not found."}}


@pytest.mark.parametrize("path, service, method", [
    ("/portal/acme/api/v1/password-reset", "portal", "request_password_reset"),
    ("/api/v1/password-reset", "accounts", "request_password_reset"),
])
def test_reset_requests_answer_202_with_the_same_words(client, rpc, path, service, method):
    rpc.on(service, method, lambda *args: {"accepted": True})
    first = client.post(path, json={"email": "known@x.test"})
    second = client.post(path, json={"email": "nobody@x.test"})
    assert first.status_code == second.status_code == 202
    assert first.json == second.json and first.json["accepted"] is True
    assert rpc.called(service, method)[0][-1] == {"email": "known@x.test"}


@pytest.mark.parametrize("path, service, method", [
    ("/portal/acme/api/v1/password-reset", "portal", "request_password_reset"),
    ("/api/v1/password-reset", "accounts", "request_password_reset"),
])
def test_reset_requests_map_bad_input_and_throttling(client, rpc, path, service, method):
    def refuse(*args):
        body = args[-1]
        if body.get("email") == "many@x.test":
            raise TooManyRequests(code="too_many_attempts", message="Try again in an hour.")
        raise Invalid(message="Some fields are invalid.", fields={"email": "Not a valid email address."})
    rpc.on(service, method, refuse)
    response = client.post(path, json={"email": "not-an-email"})
    assert response.status_code == 422 and response.json["error"]["fields"] == {"email": "Not a valid email address."}
    assert client.post(path, json={"email": "many@x.test"}).status_code == 429
    response = client.post(path, json=["a@b.test"])
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_body"
    response = client.post(path, data="{", content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("path, service", [("/portal/acme/api/v1/password-reset/tok-1", "portal"),
                                           ("/api/v1/password-reset/tok-1", "accounts")])
def test_reset_with_a_token_signs_in_or_says_why_not(client, rpc, path, service):
    rpc.on(service, "reset_password", lambda *args: {"token": "session-1", "args": list(args)})
    response = client.post(path, json={"password": "long enough"})
    assert response.status_code == 200 and response.json["token"] == "session-1"
    assert response.json["args"][-2:] == ["tok-1", {"password": "long enough"}]

    def expired(*args):
        raise Gone(code="reset_expired", message="This password reset link has expired. Ask for a new one.")
    rpc.on(service, "reset_password", expired)
    response = client.post(path, json={"password": "long enough"})
    assert response.status_code == 410 and response.json["error"]["code"] == "reset_expired"
