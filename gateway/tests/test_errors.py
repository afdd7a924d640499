"""Every failure leaves in the API's error format (JSON on API paths, a page elsewhere)."""
import pytest
from nameko.exceptions import RemoteError

from portico_kit.errors import Conflict, Invalid, NotFound, ServiceTimeout, ServiceUnavailable

from gateway.rpc import InternalError


def assert_error(response, status, code):
    assert response.status_code == status, response.data
    assert response.is_json, response.data
    assert response.json["error"]["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)
    return response.json["error"]


@pytest.mark.parametrize("exc, status, code", [
    (NotFound(code="customer_not_found", message="Customer not found."), 404, "customer_not_found"),
    (Invalid(message="Bad", fields={"email": "Not an email."}), 422, "validation_failed"),
    (Conflict(code="portal_name_taken", message="Taken"), 409, "portal_name_taken"),
    (ServiceUnavailable(), 503, "service_unavailable"),
    (ServiceTimeout(), 504, "service_timeout"),
    (InternalError(), 500, "internal_error"),
])
def test_service_errors_map_to_their_status(client, rpc, auth, exc, status, code):
    def raise_it(*args):
        raise exc
    rpc.on("accounts", "get_organization", raise_it)
    error = assert_error(client.get("/api/v1/organization", headers=auth), status, code)
    assert error["message"] == exc.message
    if exc.fields:
        assert error["fields"] == exc.fields
    else:
        assert "fields" not in error


def test_an_unexpected_gateway_error_is_a_500_without_a_trace(client, rpc, auth):
    def boom(*args):
        raise RuntimeError("secret internals")
    rpc.on("accounts", "get_organization", boom)
    error = assert_error(client.get("/api/v1/organization", headers=auth), 500, "internal_error")
    assert "secret" not in error["message"]


def test_missing_or_bad_credentials_are_401(client):
    response = client.get("/api/v1/organization")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.get("/api/v1/organization", headers={"Authorization": "Bearer nope"}), 401, "invalid_token")
    assert_error(client.get("/api/v1/organization", headers={"Authorization": "Basic abc"}), 401, "unauthorized")


@pytest.mark.parametrize("data, content_type, code", [
    ("{not json", "application/json", "invalid_json"),
    ("[1, 2]", "application/json", "invalid_body"),
    ("a=b", "application/x-www-form-urlencoded", "invalid_json"),
])
def test_malformed_bodies_are_400(client, auth, data, content_type, code):
    response = client.patch("/api/v1/organization", data=data, headers=dict(auth, **{"Content-Type": content_type}))
    assert_error(response, 400, code)


def test_unknown_api_routes_and_methods_answer_json(client, auth):
    assert_error(client.get("/api/v1/nothing-here", headers=auth), 404, "not_found")
    assert_error(client.delete("/api/v1/signup"), 405, "method_not_allowed")
    assert_error(client.get("/portal/acme/api/v1/nothing"), 404, "not_found")


def test_oversized_bodies_are_refused(client, auth):
    response = client.patch("/api/v1/organization", data="x" * (2 * 1024 * 1024),
                            headers=dict(auth, **{"Content-Type": "application/json"}))
    assert_error(response, 413, "payload_too_large")


def test_pages_get_an_html_error_page(client, rpc):
    rpc.on("portal", "get_public_portal",
           lambda name: (_ for _ in ()).throw(NotFound(code="portal_not_found", message="There is no portal at this address.")))
    response = client.get("/portal/nope/login")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "There is no portal at this address." in response.get_data(as_text=True)
    assert client.get("/definitely/not/here").mimetype == "text/html"


def test_remote_errors_from_unknown_exceptions_never_leak(client, rpc, auth):
    def remote(*args):
        raise RemoteError("KeyError", "'password_hash' in secret table")
    rpc.on("accounts", "get_organization", remote)
    response = client.get("/api/v1/organization", headers=auth)
    assert response.status_code == 500
    assert "password_hash" not in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
