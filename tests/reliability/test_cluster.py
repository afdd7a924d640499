"""A 3-node RabbitMQ cluster on this machine (private nodes: own names, ports and data; joined with
`rabbitmqctl join_cluster`). The node every service is connected to (the first in AMQP_URI, so also
the one notifications uses) is killed with SIGKILL in the middle of a 1,000-email burst. Event and
RPC queues are quorum queues, AMQP_URI lists the three nodes: the services move to a live node by
themselves. Counted: 0 lost, 0 duplicates, 0 service exits.

Slow (minutes): only `make reliability` runs it (RELIABILITY_FULL=1).
"""
import os
import time

import pytest

from .helpers import deploy, make_stack, rows, wait_for
from .private_rabbit import PrivateCluster, unavailable_reason
from .test_mail_delivery import dispatch_all, invitation, message_ids_by_recipient, signup

BURST = 1000


@pytest.fixture
def cluster(tmp_path):
    if not os.environ.get("RELIABILITY_FULL"):
        pytest.skip("a 3-node cluster and 1,000 emails take minutes: `make reliability` runs this")
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    nodes = PrivateCluster(str(tmp_path / "cluster"))
    try:
        yield nodes.start()
    finally:
        nodes.cleanup()


@pytest.mark.timeout(1500)
def test_a_cluster_node_killed_mid_burst_loses_nothing_sends_nothing_twice_and_no_service_exits(
        tmp_path, cluster, mail):
    stack = make_stack(tmp_path, cluster.uri, mail, RPC_QUEUE_TYPE="quorum", EVENT_QUEUE_TYPE="quorum")
    try:
        deploy(stack, "accounts", "notifications")
        stack.start_service("accounts")
        stack.start_service("notifications")
        org = signup(cluster.uri, stack)
        pids = {name: process.pid for name, process in stack.processes.items()}
        addresses = [f"cluster-{n}@x.test" for n in range(BURST)]
        started = time.monotonic()
        dispatch_all(cluster.uri, [invitation(org, a) for a in addresses])

        wait_for(lambda: len(mail.messages) >= 100, 300, "the first mails of the burst", stack)
        cluster.nodes[0].kill()  # the node of every connection: the first in AMQP_URI
        killed_at, delivered_at_kill = time.monotonic(), len(message_ids_by_recipient(mail))
        assert delivered_at_kill < BURST, "the burst was over before the kill; the test proves nothing"

        wait_for(lambda: len(message_ids_by_recipient(mail)) == BURST, 900, f"all {BURST} mails", stack)
        drained = time.monotonic() - started
        wait_for(lambda: rows(stack, "notifications", "SELECT count(*) FROM email_messages WHERE status != 'sent'")
                 [0][0] == 0, 60, "every email marked sent", stack)
        time.sleep(2)

        seen = message_ids_by_recipient(mail)
        lost = len(set(addresses) - set(seen))
        duplicates = sum(len(ids) for ids in seen.values()) - len(seen)
        stack.check_alive()
        exits = sum(1 for name, process in stack.processes.items() if process.pid != pids[name])
        print(f"\ncluster node killed with {delivered_at_kill}/{BURST} delivered: lost {lost}, duplicates "
              f"{duplicates}, exits {exits}; drained in {drained:.0f}s ({time.monotonic() - killed_at:.0f}s "
              f"after the kill)")
        assert (lost, duplicates, exits) == (0, 0, 0)
        assert rows(stack, "notifications", "SELECT count(*), count(DISTINCT dedupe_key) FROM email_messages") == [
            (BURST, BURST)]
    finally:
        stack.stop()
