"""The kit's rpc entrypoint: a reply the broker cannot take is dropped, the service lives on."""
import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout
from nameko.rpc import Responder

from portico_kit.rpc import rpc

CALLS = []


class Echo:
    name = "kit_echo"

    @rpc
    def echo(self, value):
        CALLS.append(value)
        return value


@pytest.fixture
def reply_fails_once(monkeypatch):
    original, failed = Responder.send_response, []

    def send_response(self, result, exc_info):
        if not failed:
            failed.append(result)
            raise OperationalError("[Errno 111] ECONNREFUSED")  # what kombu raises in a broker restart
        return original(self, result, exc_info)
    monkeypatch.setattr(Responder, "send_response", send_response)
    return failed


def test_a_reply_that_cannot_be_sent_is_dropped_and_the_service_keeps_serving(container_factory, rabbit_config,
                                                                               rpc_client, reply_fails_once):
    del CALLS[:]
    container = container_factory(Echo, rabbit_config)
    container.start()
    with pytest.raises(RpcTimeout):
        rpc_client("kit_echo", timeout=2).echo("lost")  # done, but its answer never left
    assert reply_fails_once == ["lost"]
    assert rpc_client("kit_echo").echo("second") == "second"  # the same container answers the next call
    assert CALLS == ["lost", "second"]  # and the first request was acked, not run again
    assert not container._died.ready()
