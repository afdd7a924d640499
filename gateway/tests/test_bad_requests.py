"""Findings 7 and 8: malformed input is a 4xx in the API's error format, never a 500 or an HTML page."""
import json

import pytest

from gateway import http_errors


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.data
    assert response.is_json, response.data
    if code:
        assert response.json["error"]["code"] == code
    return response.json["error"]


@pytest.mark.parametrize("body", ["[" * 5000, '{"a":' * 5000 + "1" + "}" * 5000,
                                  json.dumps({"a": [[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]}),
                                  '{"display_name": "\\ud800"}', '{"\\udfff": 1}'])
def test_deep_or_non_unicode_json_is_400_before_any_service_is_asked(client, rpc, auth, body):
    rpc.on("customers", "create_customer", lambda *a: {"id": "c1"})
    response = client.post("/api/v1/customers", data=body, headers=dict(auth, **{"Content-Type": "application/json"}))
    assert_json_error(response, 400, "invalid_json")
    assert rpc.called("customers", "create_customer") == []


def test_ordinary_nesting_still_passes(client, rpc, auth):
    rpc.on("customers", "create_customer", lambda actor, body: dict(body, id="c1"))
    body = {"display_name": "Bob", "billing_address": {"street": "1 Road", "city": "X", "country": "DE"},
            "custom_fields": {"tier": "gold"}}
    assert client.post("/api/v1/customers", json=body, headers=auth).status_code == 201


@pytest.mark.parametrize("path,status", [("/api/v1/customers", 405), ("/portal/acme/api/v1/me", 405),
                                         ("/api", 404), ("/portal/acme/api", 404)])
def test_method_not_allowed_and_not_found_are_json_on_api_paths(client, auth, path, status):
    assert_json_error(client.open(path, method="PROPFIND", headers=auth), status)


def test_a_huge_body_is_413_json(client, rpc, auth):
    response = client.post("/api/v1/customers", data="{" + " " * (1024 * 1024) + "}",
                           headers=dict(auth, **{"Content-Type": "application/json"}))
    assert_json_error(response, 413, "payload_too_large")


def test_a_long_address_gets_the_apps_json_answer(client, auth):
    assert_json_error(client.get("/api/v1/customers/" + "x" * 5000 + "/nothing", headers=auth), 404, "not_found")


@pytest.mark.parametrize("status,reason,code", [(414, "URI Too Long", "uri_too_long"),
                                                (431, "Request Header Fields Too Large", "headers_too_large"),
                                                (400, "Bad Request", "bad_request")])
def test_what_gunicorn_answers_itself_is_json_too(status, reason, code):
    raw = http_errors.error_response(status, reason).decode()
    head, body = raw.split("\r\n\r\n", 1)
    assert head.startswith(f"HTTP/1.1 {status} {reason}") and "Content-Type: application/json" in head
    assert f"Content-Length: {len(body)}" in head and json.loads(body)["error"]["code"] == code
