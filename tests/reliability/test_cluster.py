"""A 3-node RabbitMQ cluster on this machine (private nodes: own names, ports and data; joined with
`rabbitmqctl join_cluster`; the machine's broker on 5672 is never touched). The whole system runs
against it with AMQP_URI listing the three nodes and quorum event and RPC queues. The node every
process is connected to (the first in AMQP_URI, so also the one notifications consumes from) is
killed with SIGKILL in the middle of a 1,000-email burst, while most of the burst still waits in
the broker. Counted: 0 lost, 0 duplicates, 0 process exits; and the gateway -> customers -> portal ->
notifications chain works through the surviving nodes.

About 3 minutes on the 2-core machine: `make reliability` runs it (RELIABILITY_FULL=1); elsewhere it
skips, saying so. CLUSTER_BURST changes the size of the burst.
"""
import os
import re
import time
import uuid

import pytest
import requests

from devstack.client import Portico

from .helpers import INVITATIONS_QUEUE, make_stack, rows, wait_for
from .private_rabbit import PrivateCluster, unavailable_reason
from .test_mail_delivery import dispatch_all, invitation, message_ids_by_recipient

BURST = int(os.environ.get("CLUSTER_BURST", "1000"))


@pytest.fixture
def cluster(tmp_path):
    if not os.environ.get("RELIABILITY_FULL"):
        pytest.skip("a 3-node RabbitMQ cluster and a 1,000-email burst take about 3 minutes: "
                    "`make reliability` runs this (RELIABILITY_FULL=1)")
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    nodes = PrivateCluster(str(tmp_path / "cluster"))
    try:
        yield nodes.start()
    finally:
        nodes.cleanup()


def connections_by_node(node):
    """{node name: open client connections}, cluster-wide, as `node` (alive) sees them."""
    result = node.ctl("list_connections", "pid", "--quiet", "--no-table-headers")
    assert result.returncode == 0, result.stdout + result.stderr
    counts = {}
    for pid in result.stdout.split():  # an Erlang pid names its node: <n1@localhost.1733.123.0>
        name = re.match(r"<([^@<>]+@[^.<>]+)\.", pid).group(1)
        counts[name] = counts.get(name, 0) + 1
    return counts


def queue_types(node):
    result = node.ctl("list_queues", "name", "type", "--quiet", "--no-table-headers")
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(line.split("\t")[:2] for line in result.stdout.strip().splitlines())


@pytest.mark.timeout(1500)
def test_a_cluster_node_killed_mid_burst_loses_nothing_sends_nothing_twice_and_no_process_exits(
        tmp_path, cluster, mail):
    first, survivor = cluster.nodes[0], cluster.nodes[1]
    assert len(cluster.running_nodes()) == 3
    stack = make_stack(tmp_path, cluster.uri, mail, RPC_QUEUE_TYPE="quorum", EVENT_QUEUE_TYPE="quorum")
    api = Portico(stack.url)
    try:
        stack.migrate()  # the deploy step declares the event queues, as quorum queues
        stack.start()
        stack.wait_ready(timeout=180)
        types = queue_types(survivor)
        assert types[INVITATIONS_QUEUE] == "quorum" and types["rpc-accounts"] == "quorum", types
        assert set(connections_by_node(survivor)) == {first.node}  # everyone on the first node of AMQP_URI
        pids = {name: process.pid for name, process in stack.processes.items()}
        owner = api.signup(f"Cluster Co {uuid.uuid4().hex[:6]}", f"olive-{uuid.uuid4().hex[:6]}@cluster.test")
        org = owner["organization"]
        addresses = [f"cluster-{n}@x.test" for n in range(BURST)]
        started = time.monotonic()
        dispatch_all(cluster.uri, [invitation(org, a) for a in addresses])

        wait_for(lambda: len(mail.messages) >= BURST // 10, 300, "the first mails of the burst", stack)
        first.kill()  # SIGKILL: the node of every connection
        killed_at, delivered_at_kill = time.monotonic(), len(message_ids_by_recipient(mail))
        accepted_at_kill = rows(stack, "notifications", "SELECT count(*) FROM inbound_events")[0][0]
        # the rest of the burst is still in the (replicated) queue: notifications must fetch it from a survivor
        assert accepted_at_kill < BURST, "every event had left the broker before the kill; the test proves nothing"

        # the gateway and the services it calls carry on through the surviving nodes
        def created():
            response = requests.post(stack.url + "/api/v1/customers", timeout=30,
                                     headers={"Authorization": f"Bearer {owner['token']}"},
                                     json={"display_name": "After", "email": "after@x.test", "enable_portal": True})
            return response.status_code == 201 and response.json()["portal"]["enabled"]
        wait_for(created, 120, "a customer with portal access created after the kill", stack)
        recovered = time.monotonic() - killed_at

        wait_for(lambda: len(message_ids_by_recipient(mail)) >= BURST + 1, 900, f"all {BURST} mails", stack)
        drained = time.monotonic() - started
        wait_for(lambda: rows(stack, "notifications", "SELECT count(*) FROM email_messages WHERE status != 'sent'")
                 [0][0] == 0, 60, "every email marked sent", stack)
        time.sleep(2)  # anything about to go out twice would have by now

        seen = message_ids_by_recipient(mail)
        after = seen.pop("after@x.test", [])  # a retried create may have made two "After" customers
        lost = len(set(addresses) - set(seen))
        duplicates = sum(len(ids) for ids in seen.values()) - len(seen)
        stack.check_alive()
        exits = sum(1 for name, process in stack.processes.items() if process.pid != pids[name])
        moved = connections_by_node(survivor)
        print(f"\ncluster node killed with {delivered_at_kill}/{BURST} delivered and {accepted_at_kill} accepted: "
              f"lost {lost}, duplicates {duplicates}, exits {exits}; the gateway created a customer again "
              f"{recovered:.0f}s after the kill; drained in {drained:.0f}s ({time.monotonic() - killed_at:.0f}s after "
              f"the kill); connections now {moved}")
        assert (lost, duplicates, exits) == (0, 0, 0)
        assert set(seen) == set(addresses) and after
        assert first.node not in moved and sum(moved.values()) >= len(pids)
        assert rows(stack, "notifications", "SELECT count(*), count(DISTINCT dedupe_key) FROM email_messages "
                                            "WHERE to_email != 'after@x.test'") == [(BURST, BURST)]
    finally:
        stack.stop()
