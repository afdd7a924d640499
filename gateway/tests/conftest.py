import sys
from pathlib import Path

import pytest

from portico_kit.errors import ServiceUnavailable

from gateway.app import create_app
from gateway.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))  # shared sample data (billing_samples.py) under --import-mode=importlib

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u-1", "name": "Olive", "email": "olive@acme.test",
         "org_name": "Acme", "org_timezone": "UTC", "org_currency": "EUR"}


class FakeRpc:
    """The RPC layer replaced for unit tests of routes: answers are set per (service, method)."""

    def __init__(self):
        self.handlers, self.calls, self.kwargs, self.timeouts = {}, [], [], []

    def on(self, service, method, answer):
        self.handlers[(service, method)] = answer

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        self.kwargs.append(kwargs)
        self.timeouts.append(kwargs.pop("timeout", None))  # the client's own option, not an argument of the method
        answer = self.handlers.get((service, method))
        if answer is None:
            raise ServiceUnavailable(message=f"fake: no answer for {service}.{method}")
        return answer(*args, **kwargs) if callable(answer) else answer

    def called(self, service, method):
        return [args for s, m, args in self.calls if (s, m) == (service, method)]

    def ping_all(self, services, timeout):
        return {s: self.handlers.get(("ping", s), "ok") for s in services}


@pytest.fixture
def rpc():
    fake = FakeRpc()
    fake.on("accounts", "authenticate", lambda token: dict(STAFF) if token == "good" else _unauthorized())
    return fake


def _unauthorized():
    from portico_kit.errors import Unauthorized
    raise Unauthorized(code="invalid_token", message="Sign in again.")


@pytest.fixture
def app(rpc, tmp_path):
    app = create_app(Settings(secret_key="test-secret", public_url="http://portico.test"), rpc_client=rpc)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth():
    return {"Authorization": "Bearer good"}
