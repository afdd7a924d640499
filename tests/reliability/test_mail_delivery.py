"""Email that is never lost and never sent twice, with the services as real processes:

- events dispatched before notifications ever started (the deploy step declared its queues);
- notifications killed with SIGKILL in the middle of a burst of 500 events, then restarted.
(RabbitMQ restarting is in test_broker_restart.py.)
"""
import time
import uuid
from collections import defaultdict

from nameko.standalone.events import event_dispatcher

from gateway.rpc import RpcClient
from portico_kit.errors import ServiceUnavailable
from portico_kit.messaging import make_envelope

from .helpers import INVITATIONS_QUEUE, deploy, make_stack, queue_depth, rows, wait_for


def signup(amqp_uri, stack):
    """An organization made by the accounts process (once it is up)."""
    client = RpcClient(amqp_uri, timeout=20)
    data = {"organization_name": f"Burst Co {uuid.uuid4().hex[:6]}", "name": "Olive",
            "email": f"olive-{uuid.uuid4().hex[:8]}@burst.test", "password": "correct horse"}

    def attempt():
        try:
            return client.call("accounts", "signup", data)["organization"]
        except ServiceUnavailable:
            return None
    return wait_for(attempt, 60, "accounts to answer", stack)


def invitation(org, email):
    return make_envelope("portal_invitation_created", {
        "invitation": {"id": str(uuid.uuid4()), "expires_at": "2026-12-02T10:00:00Z"},
        "contact": {"id": str(uuid.uuid4()), "email": email, "name": email.split("@")[0]},
        "customer": {"id": str(uuid.uuid4()), "display_name": "Burst customer"},
        "organization": {"id": org["id"], "name": org["name"]},
        "portal": {"name": "burst", "url": "http://127.0.0.1/portal/burst"},
        "invite_url": f"http://127.0.0.1/portal/burst/invite/{uuid.uuid4().hex}"}, org_id=org["id"])


def dispatch_all(amqp_uri, envelopes):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
    for envelope in envelopes:
        dispatch("portal", "portal_invitation_created", envelope)


def message_ids_by_recipient(mail):
    seen = defaultdict(list)
    for item in list(mail.messages):
        for address in item["to"]:
            seen[address].append(item["message"]["Message-ID"])
    return seen


def test_events_dispatched_before_notifications_first_started_are_not_lost(tmp_path, vhost_uri, mail):
    stack = make_stack(tmp_path, vhost_uri, mail)
    try:
        deploy(stack, "accounts", "notifications")  # what `make dev` and compose's *-migrate steps run
        stack.start_service("accounts")
        org = signup(vhost_uri, stack)
        addresses = [f"early-{n}@x.test" for n in range(20)]
        dispatch_all(vhost_uri, [invitation(org, a) for a in addresses])
        queue = INVITATIONS_QUEUE
        assert queue_depth(vhost_uri, queue) == 20  # kept by the queue the deploy step declared
        assert "notifications" not in stack.processes
        stack.start_service("notifications")
        wait_for(lambda: all(mail.to(a) for a in addresses), 120, "the early mails", stack)
        assert queue_depth(vhost_uri, queue) == 0
        assert {a: len(mail.to(a)) for a in addresses} == {a: 1 for a in addresses}
    finally:
        stack.stop()


def test_notifications_killed_in_a_burst_of_500_then_restarted_every_mail_arrives_once(tmp_path, vhost_uri, mail):
    """With the real claims (MAIL_CLAIM_SECONDS and EVENT_CLAIM_SECONDS 15, renewed every 5 s by a
    live worker): what the killed worker held moves on within seconds of its restart."""
    stack = make_stack(tmp_path, vhost_uri, mail)
    try:
        deploy(stack, "accounts", "notifications")
        stack.start_service("accounts")
        stack.start_service("notifications")
        org = signup(vhost_uri, stack)
        addresses = [f"burst-{n}@x.test" for n in range(500)]
        envelopes = [invitation(org, a) for a in addresses]
        dispatch_all(vhost_uri, envelopes)

        wait_for(lambda: len(mail.messages) >= 60, 120, "the first mails of the burst", stack)
        stack.kill("notifications")  # SIGKILL: no goodbye, no acks, claims left behind
        arrived_before = len(message_ids_by_recipient(mail))
        assert arrived_before < 500, "the burst was over before the kill; the test proves nothing"
        # sent, but the send not recorded: the only emails a crash may duplicate (same Message-ID)
        held = rows(stack, "notifications", "SELECT to_email FROM email_messages WHERE status = 'sending'")
        in_flight = len(held)
        held_events = rows(stack, "notifications", "SELECT count(*) FROM inbound_events WHERE status = 'processing'")[0][0]
        killed_at = time.monotonic()

        stack.start_service("notifications")
        wait_for(lambda: all(mail.to(address) for (address,) in held), 120, "the mails the killed worker held", stack)
        held_for = time.monotonic() - killed_at
        wait_for(lambda: len(message_ids_by_recipient(mail)) == 500, 300, "all 500 mails", stack)
        drained = time.monotonic() - killed_at
        wait_for(lambda: rows(stack, "notifications", "SELECT count(*) FROM email_messages WHERE status != 'sent'")
                 [0][0] == 0, 60, "every email marked sent", stack)
        time.sleep(2)  # anything still about to go out twice would have by now

        seen = message_ids_by_recipient(mail)
        assert set(seen) == set(addresses)
        assert all(len(set(ids)) == 1 for ids in seen.values()), "two different emails to one person"
        copies = sum(len(ids) for ids in seen.values()) - 500
        assert copies <= in_flight, f"{copies} extra copies, {in_flight} were mid-send at the kill"
        assert rows(stack, "notifications", "SELECT count(*), count(DISTINCT dedupe_key) FROM email_messages") == [
            (500, 500)]
        assert rows(stack, "notifications", "SELECT status, count(*) FROM inbound_events GROUP BY status") == [
            ("done", 500)]
        print(f"\nkilled with {arrived_before}/500 delivered, {in_flight} mid-send, {held_events} events mid-handling; "
              f"extra copies: {copies}; the held mails arrived {held_for:.0f}s after the kill, all 500 {drained:.0f}s "
              f"after it")
        # a 120 s claim (before) held them past this; 15 s, renewed by a live sender, frees them within seconds
        assert held_for < 60, f"the killed worker's mails waited {held_for:.0f}s"
    finally:
        stack.stop()
