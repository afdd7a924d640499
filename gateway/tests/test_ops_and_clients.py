"""Findings 9 and 11 at the gateway: the client address behind a trusted proxy only, and the ops
endpoints' details behind OPS_TOKEN."""
import pytest

from gateway.app import create_app
from gateway.settings import Settings


def make_client(rpc, **settings):
    app = create_app(Settings(secret_key="s", public_url="http://portico.test", **settings), rpc_client=rpc)
    app.config["TESTING"] = True
    return app.test_client()


def test_without_ops_token_everything_is_open(client, rpc):
    assert client.get("/metrics").status_code == 200
    assert "services" in client.get("/readyz").json


def test_with_ops_token_metrics_and_readiness_details_need_it(rpc):
    client = make_client(rpc, ops_token="s3cret")
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ready"}
    response = client.get("/metrics")
    assert response.status_code == 401 and response.is_json and "portico_" not in response.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    good = {"Authorization": "Bearer s3cret"}
    assert client.get("/metrics", headers=good).status_code == 200
    assert client.get("/readyz", headers=good).json["services"]["accounts"] == "ok"
    rpc.on("ping", "billing", "timeout")
    bare = client.get("/readyz")
    assert bare.status_code == 503 and "billing" not in bare.get_data(as_text=True)
    assert client.get("/readyz", headers=good).json["error"]["missing"] == ["billing"]


def _login_address(rpc, client, **headers):
    seen = []
    rpc.on("accounts", "login", lambda data, address: seen.append(address) or {"token": "t"})
    client.post("/api/v1/login", json={"email": "a@b.test", "password": "x"}, headers=headers,
                environ_base={"REMOTE_ADDR": "10.0.0.5"})
    return seen[-1]


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(rpc):
    plain = make_client(rpc)
    assert _login_address(rpc, plain, **{"X-Forwarded-For": "1.2.3.4"}) == "10.0.0.5"
    proxied = make_client(rpc, trusted_proxies="10.0.0.0/8")
    assert _login_address(rpc, proxied, **{"X-Forwarded-For": "1.2.3.4"}) == "1.2.3.4"
    # a client cannot hide behind an address it writes itself: the right-most untrusted hop counts
    assert _login_address(rpc, proxied, **{"X-Forwarded-For": "6.6.6.6, 1.2.3.4, 10.0.0.9"}) == "1.2.3.4"
    assert _login_address(rpc, proxied, **{"X-Forwarded-For": "junk, 1.2.3.4"}) == "1.2.3.4"
    assert _login_address(rpc, proxied) == "10.0.0.5"


def test_a_malformed_trusted_proxies_setting_fails_at_start(rpc):
    with pytest.raises(ValueError):
        make_client(rpc, trusted_proxies="10.0.0.0/8, not-a-network")


def test_healthz_answers_with_no_service_running_and_readyz_names_them_all():
    """A real RPC client on a vhost where nothing runs: liveness must not depend on any service
    (an orchestrator would restart a healthy gateway), readiness must say who is missing."""
    from portico_kit.testing import rabbit
    from gateway.rpc import RpcClient
    vhost = rabbit.create_vhost("gw-alone")
    try:
        settings = Settings(secret_key="test-secret", public_url="http://portico.test", ready_timeout=2)
        app = create_app(settings, rpc_client=RpcClient(rabbit.uri_for(vhost), timeout=2))
        client = app.test_client()
        health = client.get("/healthz")
        assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
        ready = client.get("/readyz")
        assert ready.status_code == 503
        body = ready.get_json()
        assert body["status"] == "not_ready" and body["error"]["missing"] == sorted(settings.services)
    finally:
        rabbit.delete_vhost(vhost)
