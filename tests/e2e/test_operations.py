"""Readiness, metrics and a service going away, on the running stack."""
import re
import signal
import time

import requests

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

OPS = {"Authorization": "Bearer ops-test-token"}  # the stack's OPS_TOKEN (tests/conftest.py)


def test_readyz_names_a_stopped_service_and_recovers(stack):
    assert requests.get(stack.url + "/readyz", timeout=5).json()["status"] == "ready"
    stack.kill("reviews")
    try:
        response = requests.get(stack.url + "/readyz", timeout=5, headers=OPS)
        assert response.status_code == 503
        body = response.json()
        assert body["error"]["code"] == "service_unavailable" and body["error"]["missing"] == ["reviews"]
        assert body["services"]["accounts"] == "ok"
    finally:
        stack.start_service("reviews")
    stack.wait_ready(timeout=60)


def test_metrics_count_requests_and_rpc_latency(stack, api, new_org):
    new_org()
    body = requests.get(stack.url + "/metrics", timeout=5, headers=OPS).text
    assert 'portico_http_requests_total{method="POST",route="/api/v1/signup",status="201"}' in body
    assert 'portico_rpc_seconds_count{method="signup",outcome="ok",service="accounts"}' in body


def test_a_stopped_service_is_503_within_a_second_and_the_portal_home_page_does_not_wait(stack, api, new_org,
                                                                                         mail, unique):
    """Its durable queue stays, with no consumer: the gateway answers 503 at once instead of after its
    RPC timeout (10 s here), and the portal home page leaves the billing panel out without waiting."""
    token = new_org("Stop Co")["token"]
    email = f"carla-{unique}@stop.test"
    api.create_customer(token, display_name="Carla", email=email, enable_portal=True)
    [invitation] = mail.wait_for(email, timeout=60)
    link = invite_link(body_text(invitation))
    api.accept_invitation(link)
    portal_name = re.search(r"/portal/([a-z0-9-]+)/invite/", link).group(1)
    browser = requests.Session()
    login = browser.get(f"{stack.url}/portal/{portal_name}/login", timeout=30)
    csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    browser.post(f"{stack.url}/portal/{portal_name}/login", timeout=30,
                 data={"email": email, "password": "bike shed 42", "csrf_token": csrf})
    assert browser.get(f"{stack.url}/portal/{portal_name}/", timeout=30).status_code == 200

    stack.kill("billing", signal.SIGTERM)
    try:
        time.sleep(1.5)  # what the gateway heard about consumers a second ago is forgotten
        for _ in range(3):
            started = time.monotonic()
            response = requests.get(stack.url + "/api/v1/invoices", headers={"Authorization": f"Bearer {token}"},
                                    timeout=30)
            elapsed = time.monotonic() - started
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "service_unavailable"
            assert elapsed < 1.5, f"{elapsed:.1f}s: waited for a service nobody runs"

        started = time.monotonic()
        home = browser.get(f"{stack.url}/portal/{portal_name}/", timeout=30)
        elapsed = time.monotonic() - started
        assert home.status_code == 200
        assert '<p class="muted" role="status">The billing service is not running.</p>' in home.text  # left out
        assert elapsed < 3, f"{elapsed:.1f}s for a home page with its billing panel down"
    finally:
        stack.start_service("billing")
    stack.wait_ready(timeout=90)
    time.sleep(1.5)
    assert requests.get(stack.url + "/api/v1/invoices", headers={"Authorization": f"Bearer {token}"},
                        timeout=30).status_code == 200  # used again as soon as it is back


def test_an_idempotency_key_makes_a_retried_create_return_the_first_customer(stack, api, new_org, unique):
    token = new_org("Retry Co")["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"create-{unique}"}
    body = {"display_name": "Once Only", "email": f"once-{unique}@retry.test"}
    first = requests.post(stack.url + "/api/v1/customers", json=body, headers=headers, timeout=30)
    again = requests.post(stack.url + "/api/v1/customers", json=body, headers=headers, timeout=30)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    listed = api.json("GET", "/api/v1/customers", token)["items"]
    assert [c["id"] for c in listed] == [first.json()["id"]]
    reused = requests.post(stack.url + "/api/v1/customers", json=dict(body, display_name="Other"), headers=headers,
                           timeout=30)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"
