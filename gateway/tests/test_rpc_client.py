"""The gateway's RPC client against the real broker and a real nameko process."""
import os
import subprocess
import sys
import threading
import time

import pytest

from portico_kit.errors import Invalid, ServiceTimeout, ServiceUnavailable
from portico_kit.testing import rabbit

from gateway.rpc import InternalError, RpcClient

HERE = os.path.dirname(__file__)


class Target:
    def __init__(self, amqp_uri, log):
        self.amqp_uri, self.log, self.process = amqp_uri, log, None

    def start(self):
        env = dict(os.environ, AMQP_URI=self.amqp_uri, RPC_TARGET_LOG=self.log,
                   PYTHONPATH=HERE + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.process = subprocess.Popen([sys.executable, "-m", "portico_kit.runner", "rpc_target"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = RpcClient(self.amqp_uri, timeout=1)
        deadline = time.monotonic() + 60  # a busy machine takes a while to import nameko
        while time.monotonic() < deadline:
            try:
                return client.call("rpc_target", "ping")
            except (ServiceUnavailable, ServiceTimeout):
                time.sleep(0.1)
        self.stop()  # never leave it behind, answering other runs
        raise RuntimeError("rpc_target did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)

    def records(self):
        return open(self.log).read().split() if os.path.exists(self.log) else []


@pytest.fixture(scope="module")
def amqp_uri():
    vhost = rabbit.create_vhost("gw")
    yield rabbit.uri_for(vhost)
    rabbit.delete_vhost(vhost)


@pytest.fixture(scope="module")
def target(amqp_uri, tmp_path_factory):
    target = Target(amqp_uri, str(tmp_path_factory.mktemp("rpc") / "calls.log"))
    target.start()
    yield target
    if target.process.poll() is None:
        target.stop()


def test_calls_answer_and_errors_keep_code_and_fields(target):
    client = RpcClient(target.amqp_uri, timeout=5)
    assert client.call("rpc_target", "echo", {"a": [1, "b"]}) == {"a": [1, "b"]}
    with pytest.raises(Invalid) as err:
        client.call("rpc_target", "refuse")
    assert (err.value.code, err.value.fields) == ("nope", {"x": "Bad."})
    with pytest.raises(InternalError) as err:
        client.call("rpc_target", "crash")
    assert "secret" not in err.value.message


def test_an_unknown_service_is_unavailable_at_once(target):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        RpcClient(target.amqp_uri, timeout=5).call("no_such_service", "ping")
    assert time.monotonic() - started < 2


def test_a_slow_service_times_out_and_the_client_recovers(target):
    client = RpcClient(target.amqp_uri, timeout=5)
    started = time.monotonic()
    with pytest.raises(ServiceTimeout):
        client.call("rpc_target", "slow", 3, timeout=0.5)
    assert time.monotonic() - started < 2
    assert client.call("rpc_target", "echo", "after") == "after"


def test_each_thread_keeps_its_own_proxy(target):
    client = RpcClient(target.amqp_uri, timeout=5)
    results, errors = {}, []

    def work(n):
        try:
            results[n] = [client.call("rpc_target", "echo", f"{n}-{i}") for i in range(20)]
        except Exception as exc:  # collected, asserted below
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert all(results[n] == [f"{n}-{i}" for i in range(20)] for n in range(8))


def test_a_broken_proxy_is_replaced(target):
    client = RpcClient(target.amqp_uri, timeout=5)
    assert client.call("rpc_target", "echo", 1) == 1
    standalone, _ = client._local.pair
    standalone._reply_listener.queue_consumer.connection.close()  # what a broker restart does
    with pytest.raises(ServiceUnavailable):
        client.call("rpc_target", "echo", 2)
    assert client.call("rpc_target", "echo", 3) == 3


def test_readiness_pings_everyone_within_the_deadline(target):
    client = RpcClient(target.amqp_uri, timeout=5)
    started = time.monotonic()
    status = client.ping_all(["rpc_target", "no_such_service"], timeout=1)
    assert status == {"rpc_target": "ok", "no_such_service": "not running"}
    assert time.monotonic() - started < 1.5


def test_a_request_to_a_stopped_service_expires_instead_of_running_later(target):
    """Sent just before the service stopped (the consumer check cannot know yet): the call times out
    and must never run afterwards."""
    client = RpcClient(target.amqp_uri, timeout=5, consumer_check_seconds=0)
    target.stop()
    with pytest.raises(ServiceTimeout):
        client.call("rpc_target", "record", "ghost", timeout=0.5)
    status = RpcClient(target.amqp_uri).ping_all(["rpc_target"], timeout=0.5)
    assert status["rpc_target"] != "ok"
    time.sleep(0.6)  # past the message's expiration
    target.start()
    assert client.call("rpc_target", "record", "alive") == "alive"
    assert target.records() == ["alive"]


def test_a_stopped_service_is_unavailable_within_a_second_and_back_as_soon_as_it_is(target):
    """Its durable queue stays with no consumer: the broker says so, the client answers 503 at once."""
    client = RpcClient(target.amqp_uri, timeout=5)
    assert client.call("rpc_target", "echo", "up") == "up"
    target.stop()
    time.sleep(1.1)  # what the client heard a second ago is forgotten
    for _ in range(5):
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable) as err:
            client.call("rpc_target", "record", "never")
        assert time.monotonic() - started < 1
        assert err.value.message == "The rpc_target service is not running."
    target.start()
    time.sleep(1.1)
    assert client.call("rpc_target", "echo", "back") == "back"
    assert "never" not in target.records()


def test_a_silent_service_does_not_hide_the_answers_of_the_others(target):
    """A service whose queue exists but nobody consumes (stopped) uses up the deadline; replies of
    services asked after it, which arrived meanwhile, still count."""
    from kombu import Connection, Exchange, Queue
    with Connection(target.amqp_uri) as conn:
        exchange = Exchange("nameko-rpc", type="topic", durable=True)
        Queue("rpc-silent", exchange=exchange, routing_key="silent.*", durable=True)(conn.channel()).declare()
    status = RpcClient(target.amqp_uri).ping_all(["silent", "rpc_target"], timeout=0.5)
    assert status == {"silent": "no answer within the timeout", "rpc_target": "ok"}


def test_the_nameko_internals_the_client_relies_on_still_exist(target):
    """gateway/nameko_proxy.py is the one place that reaches into nameko's standalone proxy: if a
    nameko upgrade renames what it uses, this fails here, not in every request in production."""
    from gateway import nameko_proxy
    standalone = nameko_proxy.ClusterRpcProxy({"AMQP_URI": target.amqp_uri, "serializer": "json"}, timeout=5)
    cluster = standalone.start()
    try:
        nameko_proxy.check(standalone, cluster)  # the attributes exist ...
        call = nameko_proxy.method(standalone, cluster, "rpc_target", "context_request_id", 5,
                                   {"request_id": "req-adapter-1"}, None)
        assert call() == "req-adapter-1"  # ... context data reaches the service ...
        started = time.monotonic()
        slow = nameko_proxy.method(standalone, cluster, "rpc_target", "slow", 0.5, {}, None)
        with pytest.raises(nameko_proxy.RpcTimeout):
            slow(3)  # ... and the per-call reply timeout is honoured
        assert time.monotonic() - started < 2.5
    finally:
        standalone.stop()
    with pytest.raises(RuntimeError, match="_worker_ctx"):
        nameko_proxy.check(standalone, object())
