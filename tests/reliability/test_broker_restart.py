"""RabbitMQ restarted under a running system: every service and the gateway reconnect by themselves
and nothing is lost. It runs on a private RabbitMQ node (conftest.private_rabbit): the machine's
shared broker is never restarted."""
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from devstack.client import Portico, invite_link
from gateway.rpc import RpcClient
from portico_kit.errors import ServiceTimeout, ServiceUnavailable
from portico_kit.testing.smtp import body_text

from .helpers import INVITATIONS_QUEUE, make_stack, queue_depth, wait_for

GATEWAY_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             "gateway", "tests")
RESTARTS = int(os.environ.get("RELIABILITY_RESTARTS", "1"))  # `make reliability`: more


def test_rabbitmq_restarted_services_and_gateway_reconnect_and_nothing_is_lost(tmp_path, private_rabbit, mail):
    stack = make_stack(tmp_path, private_rabbit.uri, mail)
    api = Portico(stack.url)
    try:
        stack.migrate()
        stack.start()
        stack.wait_ready(timeout=120)
        owner = api.signup(f"Restart Co {uuid.uuid4().hex[:6]}", f"olive-{uuid.uuid4().hex[:6]}@restart.test")
        token = owner["token"]
        api.create_customer(token, display_name="Before", email="before@x.test", enable_portal=True)
        mail.wait_for("before@x.test", timeout=60)

        # notifications away: this invitation waits in its durable queue, then lives through the restart
        stack.kill("notifications", signal.SIGTERM)
        api.create_customer(token, display_name="Queued", email="queued@x.test", enable_portal=True)
        wait_for(lambda: queue_depth(private_rabbit.uri, INVITATIONS_QUEUE) == 1, 30, "the invitation to be queued",
                 stack)

        private_rabbit.restart()
        assert queue_depth(private_rabbit.uri, INVITATIONS_QUEUE) == 1  # persistent message, durable queue
        stack.start_service("notifications")
        mail.wait_for("queued@x.test", timeout=120)

        # the gateway and the services it calls are back without anyone restarting them
        def answers():
            response = requests.get(stack.url + "/api/v1/settings/portal", timeout=15,
                                    headers={"Authorization": f"Bearer {token}"})
            return response.status_code == 200
        wait_for(answers, 90, "the gateway to answer again", stack)
        wait_for(lambda: requests.get(stack.url + "/readyz", timeout=10).status_code == 200, 90,
                 "every service to be ready again", stack)
        assert all(answers() for _ in range(10))

        # and the whole chain works after the restart: gateway -> customers -> portal -> event -> notifications
        api.create_customer(token, display_name="After", email="after@x.test", enable_portal=True)
        [after] = mail.wait_for("after@x.test", timeout=120)
        assert invite_link(body_text(after)).startswith(stack.url)
        log = api.json("GET", "/api/v1/notifications", token)["items"]
        assert sorted(m["to"] for m in log) == ["after@x.test", "before@x.test", "queued@x.test"]
        assert {m["status"] for m in log} == {"sent"}
        assert {a: len(mail.to(a)) for a in ("before@x.test", "queued@x.test", "after@x.test")} == {
            "before@x.test": 1, "queued@x.test": 1, "after@x.test": 1}
    finally:
        stack.stop()


def test_the_gateways_rpc_client_answers_at_once_after_a_broker_restart(tmp_path, private_rabbit):
    """Each gateway thread keeps a proxy, whose connection and reply queue the restart took away.
    Once the service is back, the very first call through the old client gets its answer (the
    reply consumer reconnects and declares its queue again) instead of failing or timing out."""
    env = dict(os.environ, AMQP_URI=private_rabbit.uri, RPC_TARGET_LOG=str(tmp_path / "calls.log"),
               PYTHONPATH=GATEWAY_TESTS + os.pathsep + os.environ.get("PYTHONPATH", ""))
    target = subprocess.Popen([sys.executable, "-m", "portico_kit.runner", "rpc_target"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answer(client):
        try:
            return client.call("rpc_target", "ping")
        except (ServiceUnavailable, ServiceTimeout):
            return None
    try:
        client = RpcClient(private_rabbit.uri, timeout=5)
        assert wait_for(lambda: answer(client), 60, "rpc_target to start") == {"ok": True}
        private_rabbit.restart()
        wait_for(lambda: answer(RpcClient(private_rabbit.uri, timeout=2)), 90, "rpc_target to reconnect")
        started = time.monotonic()
        assert client.call("rpc_target", "ping") == {"ok": True}  # the old client, first call after
        assert time.monotonic() - started < 4  # answered, not timed out (5 s) and retried
    finally:
        target.terminate()
        target.wait(timeout=30)


class Burst:
    """Threads creating customers (portal on: gateway -> customers -> portal) until stopped, as a
    careful client does: each create has an Idempotency-Key and is retried with it until it is 201."""

    def __init__(self, url, token, threads=4):
        self.url, self.token, self.statuses, self.created, self.portal_off = url, token, [], [], []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def _run(self, n):
        http, count = requests.Session(), 0
        while not self._stop.is_set():
            count += 1
            email = f"burst-{n}-{count}-{uuid.uuid4().hex[:6]}@load.test"
            headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": f"create-{email}"}
            while not self._stop.is_set():
                try:
                    response = http.post(self.url + "/api/v1/customers", timeout=20, headers=headers,
                                         json={"display_name": email, "email": email, "enable_portal": True})
                    self.statuses.append(response.status_code)
                    if response.status_code == 201:
                        self.created.append(email)
                        if not response.json()["portal"]["enabled"]:  # said so, with the reason
                            self.portal_off.append(email)
                        break
                except requests.RequestException:
                    self.statuses.append("connection error")
                time.sleep(0.2)  # and again, with the same key

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


@pytest.mark.timeout(900)  # minutes on a busy 2-core machine
def test_services_outlive_broker_restarts_in_the_middle_of_a_burst(tmp_path, private_rabbit, mail):
    """A reply that cannot be sent (broker gone) is dropped, not fatal: no process exits, and once
    the broker is back the same processes answer again."""
    stack = make_stack(tmp_path, private_rabbit.uri, mail)
    api = Portico(stack.url)
    try:
        stack.migrate()
        stack.start()
        stack.wait_ready(timeout=120)
        pids = {name: process.pid for name, process in stack.processes.items()}
        token = api.signup(f"Load Co {uuid.uuid4().hex[:6]}", f"olive-{uuid.uuid4().hex[:6]}@load.test")["token"]
        started, seen = time.monotonic(), []
        with Burst(stack.url, token) as burst:
            for _ in range(RESTARTS):
                wait_for(lambda: burst.statuses.count(201) >= 3, 90, "customers to be created", stack)
                private_rabbit.restart()
                seen.extend(burst.statuses)
                del burst.statuses[:]
            wait_for(lambda: burst.statuses.count(201) >= 3, 120, "customers created after the last restart", stack)
            seen.extend(burst.statuses)
        stack.check_alive()  # 0 exits
        counts = {status: seen.count(status) for status in sorted(set(seen), key=str)}
        print(f"\nbroker restarted {RESTARTS}x under 4 creating threads in {time.monotonic() - started:.0f}s: "
              f"answers {counts}; process exits 0")
        assert {name: process.pid for name, process in stack.processes.items()} == pids  # and 0 restarts
        wait_for(lambda: requests.get(stack.url + "/readyz", timeout=10).status_code == 200, 90,
                 "every service to be ready again", stack)
        # the gateway remembers for a second that a queue had no consumer (ConsumerCheck), so a
        # request right after recovery may still get a 503: a client retries it, with its key (409 while
        # a key whose release failed is held, at most IDEMPOTENCY_ABANDONED_SECONDS, 30 s)
        after = {"display_name": "After", "email": "after@load.test", "enable_portal": True}
        key = {"Idempotency-Key": f"after-{uuid.uuid4().hex}"}
        wait_for(lambda: api.request("POST", "/api/v1/customers", token, json=after, headers=dict(key)).status_code
                 == 201, 45, "a customer created once the broker is back", stack)
        mail.wait_for("after@load.test", timeout=120)

        # retried creates made nothing twice: one customer per email, one invitation each
        customers, page = [], 1
        while True:
            listed = api.json("GET", f"/api/v1/customers?per_page=200&page={page}", token)
            customers += listed["items"]
            if page * 200 >= listed["total"]:
                break
            page += 1
        by_email = {}
        for customer in customers:
            by_email[customer["email"]] = by_email.get(customer["email"], 0) + 1
        invited = set(burst.created) - set(burst.portal_off)
        wait_for(lambda: all(mail.to(email) for email in invited), 120, "every invitation of the burst", stack)
        time.sleep(2)
        duplicates = sum(count - 1 for count in by_email.values())
        invited_twice = sum(1 for email in by_email if len(mail.to(email)) > 1)
        print(f"created {len(burst.created)} customers through the restarts, each retried with its "
              f"Idempotency-Key until 201 ({len(burst.portal_off)} answered that the portal could not be "
              f"enabled): duplicate customers {duplicates}, invited twice {invited_twice}")
        assert set(burst.created) <= set(by_email)
        assert (duplicates, invited_twice) == (0, 0)
    finally:
        stack.stop()
