"""X-Request-ID: taken from the caller or made, returned on every response, sent with every RPC."""
import re

from flask import g

from gateway.tracing import call_context


def test_a_request_without_an_id_gets_a_fresh_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_the_callers_id_is_kept_and_returned(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:42"})
    assert response.headers["X-Request-ID"] == "lb-7f3a:42"


def test_an_id_that_could_forge_log_lines_is_replaced(client):
    for bad in ["two words", "x" * 129, "quote\"", "new\\nline", "ünï"]:
        returned = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert returned != bad and re.fullmatch(r"[0-9a-f]{32}", returned)


def test_errors_pages_and_unknown_paths_carry_it_too(client, auth):
    for path, headers, status in [("/api/v1/nope", {}, 404), ("/api/v1/customers", {}, 401),
                                  ("/api/v1/customers", auth, 503), ("/app/login", {}, 200)]:
        response = client.get(path, headers=dict(headers, **{"X-Request-ID": "r-1"}))
        assert response.status_code == status, path
        assert response.headers["X-Request-ID"] == "r-1", path


def test_every_rpc_carries_the_request_id_and_the_organization(app):
    with app.test_request_context("/api/v1/customers", headers={"X-Request-ID": "r-2"}):
        app.preprocess_request()
        assert call_context() == {"request_id": "r-2"}
        g.actor = {"kind": "staff", "org_id": "org-1"}
        assert call_context() == {"request_id": "r-2", "org_id": "org-1"}
    assert call_context() == {}  # outside a request (readiness pings at start-up): nothing to carry
