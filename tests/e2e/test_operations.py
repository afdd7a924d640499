"""Readiness, metrics and a service going away, on the running stack."""
import requests

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
