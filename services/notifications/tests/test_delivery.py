"""Delivery that loses nothing and sends nothing twice: the real broker, a real SMTP server that goes
away, a service that is down, events delivered twice."""
import eventlet
import pytest
from sqlalchemy import create_engine, select

from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound
from portico_kit.testing import databases
from portico_kit.testing.smtp import body_text

from notifications import delivery
from notifications.models import EmailMessage
from notifications.service import NotificationsService
from portal.service import PortalService

from . import payloads
from .conftest import handled, inbound, wait_until


def invitation(org, email="bob@bikes.test", token="TOKEN123"):
    return {
        "invitation": {"id": "inv-1", "expires_at": "2026-12-02T10:00:00Z"},
        "contact": {"id": "c-1", "email": email, "name": "Bob"},
        "customer": {"id": "cu-1", "display_name": "Bob's Bikes"},
        "organization": {"id": org.id, "name": org.name},
        "portal": {"name": org.prefs["portal_name"], "url": org.prefs["portal_url"]},
        "invite_url": f"{org.prefs['portal_url']}/invite/{token}",
    }


def test_every_email_is_recorded_with_both_parts(system, org, dispatch_event):
    dispatch_event("portal", "portal_invitation_created", invitation(org), org_id=org.id)
    [mail] = system.mail.wait_for("bob@bikes.test")
    assert mail.get_content_type() == "multipart/alternative"
    assert "02 December" not in body_text(mail) and "December 2, 2026, 10:00\u202fAM UTC" in body_text(mail)
    log = wait_until(lambda: [m for m in system.notifications.list_messages(org.staff)["items"]
                              if m["status"] == "sent"])
    entry = log[0]
    assert entry["kind"] == "portal_invitation" and entry["to"] == "bob@bikes.test" and entry["attempts"] == 1
    assert entry["subject"] == mail["Subject"] and entry["created_at"] and entry["sent_at"]
    assert entry["last_attempt_at"] and entry["last_error"] is None
    engine = create_engine(system.configs["notifications"]["DATABASE_URL"])
    with engine.connect() as conn:
        row = conn.execute(select(EmailMessage)).one()
    engine.dispose()
    assert mail["Message-ID"] == f"<{row.id}@portico.test>"  # stable: a resent copy is the same email


def test_a_redelivered_event_sends_nothing_twice(system, org, dispatch_event):
    envelope = dispatch_event("portal", "portal_invitation_created", invitation(org), org_id=org.id)
    for _ in range(3):
        dispatch_event("portal", "portal_invitation_created", None, envelope=envelope)
    system.mail.wait_for("bob@bikes.test")
    handled(system, envelope, emails=1)
    eventlet.sleep(1.5)
    assert len(system.mail.to("bob@bikes.test")) == 1
    assert system.notifications.list_messages(org.staff)["total"] == 1
    assert len(inbound(system, envelope["event_id"])) == 1


def test_smtp_down_then_back_the_mail_still_arrives(system, org, dispatch_event):
    system.mail.stop()
    dispatch_event("portal", "portal_invitation_created", invitation(org), org_id=org.id)
    retried = wait_until(lambda: [m for m in system.notifications.list_messages(org.staff)["items"]
                                  if m["attempts"] >= 3])
    assert retried[0]["status"] == "queued" and "Connection" in retried[0]["last_error"]
    assert retried[0]["next_attempt_at"] and retried[0]["sent_at"] is None
    system.mail.start()
    system.mail.wait_for("bob@bikes.test")
    sent = wait_until(lambda: system.notifications.list_messages(org.staff, 1, 50, "sent")["items"])
    assert sent[0]["attempts"] >= 4 and sent[0]["sent_at"] and sent[0]["last_error"] is None
    eventlet.sleep(1.0)
    assert len(system.mail.to("bob@bikes.test")) == 1


def test_after_the_last_attempt_it_is_failed_with_the_reason_and_can_be_sent_again(
        system, org, dispatch_event, monkeypatch):
    monkeypatch.setattr(delivery, "MAX_ATTEMPTS", 2)
    system.mail.stop()
    dispatch_event("portal", "portal_invitation_created", invitation(org), org_id=org.id)
    [failed] = wait_until(lambda: system.notifications.list_messages(org.staff, 1, 50, "failed")["items"])
    assert failed["attempts"] == 2 and "ConnectionRefusedError" in failed["last_error"]
    assert failed["next_attempt_at"] is None
    eventlet.sleep(1.0)
    assert system.notifications.list_messages(org.staff, 1, 50, "failed")["items"][0]["attempts"] == 2  # given up

    with pytest.raises(NotFound):
        system.notifications.retry_message({"kind": "staff", "org_id": "someone-else", "user_id": "x"}, failed["id"])
    with pytest.raises(Forbidden):
        system.notifications.retry_message({"kind": "customer", "org_id": org.id, "customer_id": "c"}, failed["id"])
    system.mail.start()
    assert system.notifications.retry_message(org.staff, failed["id"])["status"] == "queued"
    system.mail.wait_for("bob@bikes.test")
    sent = wait_until(lambda: system.notifications.list_messages(org.staff, 1, 50, "sent")["items"])
    assert sent[0]["id"] == failed["id"]
    with pytest.raises(Conflict):
        system.notifications.retry_message(org.staff, failed["id"])


def test_an_event_waits_while_a_service_it_needs_is_down(system, org, dispatch_event):
    """invoice_sent needs the portal (preferences, contacts): with the portal down the event stays in
    the inbox and is retried; once the portal is back the email goes out."""
    customer = org.customer("Bob's Bikes", email="bob@bikes.test")
    system.containers["portal"].stop()
    envelope = dispatch_event("billing", "invoice_sent", payloads.invoice_sent(customer), org_id=org.id)
    row = wait_until(lambda: [r for r in inbound(system, envelope["event_id"]) if r["attempts"] >= 1],
                     timeout=30)[0]
    assert row["status"] in ("pending", "processing") and "portal" in row["last_error"]
    assert system.mail.to("bob@bikes.test") == []
    system.start_service(PortalService, "portal", db_url=system.configs["portal"]["DATABASE_URL"])
    message = system.mail.wait_for("bob@bikes.test", timeout=60)[0]
    assert message["Subject"].startswith("Invoice INV-000042")
    assert handled(system, envelope, emails=1)["attempts"] >= 1


def test_an_event_that_could_not_even_be_recorded_goes_back_to_the_queue(system, org, dispatch_event, monkeypatch):
    """Our own database failing as the event arrives: the event is not acknowledged away but
    redelivered, and its email goes out once the database answers again."""
    from sqlalchemy.exc import OperationalError
    from portico_kit import messaging
    from notifications import inbox as inbox_module
    real_accept, failures = inbox_module.accept, []

    def flaky_accept(session, envelope, handler):
        if len(failures) < 3:
            failures.append(envelope["event_id"])
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real_accept(session, envelope, handler)
    monkeypatch.setattr(inbox_module, "accept", flaky_accept)
    monkeypatch.setattr(messaging, "REQUEUE_PAUSE", 0.1)  # every consumer's on_event
    envelope = dispatch_event("portal", "portal_invitation_created", invitation(org), org_id=org.id)
    system.mail.wait_for("bob@bikes.test")
    assert failures == [envelope["event_id"]] * 3
    handled(system, envelope, emails=1)
    eventlet.sleep(1.0)
    assert len(system.mail.to("bob@bikes.test")) == 1


def test_a_malformed_event_is_recorded_as_failed_not_retried_forever(system, org, dispatch_event):
    envelope = dispatch_event("billing", "invoice_sent", {"invoice": {"id": "x"}}, org_id=org.id)
    row = wait_until(lambda: [r for r in inbound(system, envelope["event_id"]) if r["status"] == "failed"])[0]
    assert row["attempts"] == 1 and row["last_error"] == "KeyError: 'customer'"
    assert system.notifications.list_messages(org.staff)["total"] == 0


def test_the_log_is_per_organization_paginated_and_filtered(system, org, dispatch_event):
    for n in range(3):
        dispatch_event("portal", "portal_invitation_created", invitation(org, f"p{n}@x.test", f"T{n}"), org_id=org.id)
    wait_until(lambda: system.notifications.list_messages(org.staff, 1, 50, "sent")["total"] == 3)
    page = system.notifications.list_messages(org.staff, 2, 2)
    assert page["total"] == 3 and page["page"] == 2 and len(page["items"]) == 1
    assert system.notifications.list_messages(org.staff, 1, 50, None, "review_request")["total"] == 0
    with pytest.raises(Invalid):
        system.notifications.list_messages(org.staff, 1, 50, "lost")
    with pytest.raises(Invalid):
        system.notifications.list_messages(org.staff, 1, 50, None, "nonsense")
    other = {"kind": "staff", "org_id": "org-2", "user_id": "u2"}
    assert system.notifications.list_messages(other)["total"] == 0


def test_two_replicas_never_send_the_same_email_twice(system, org, dispatch_event, start_service, tmp_path):
    """Two notifications replicas on one PostgreSQL database (how it scales out), consuming the same
    queues: each email goes out once. (SQLite is one process's database: one replica.)"""
    reason = databases.postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    system.containers["notifications"].stop()
    with databases.temporary_database("postgresql", tmp_path, "notify") as url:
        replicas = [start_service(NotificationsService, "notifications", db_url=url)[0] for _ in range(2)]
        for n in range(30):
            dispatch_event("portal", "portal_invitation_created", invitation(org, f"r{n}@x.test", f"R{n}"),
                           org_id=org.id)
        for n in range(30):
            system.mail.wait_for(f"r{n}@x.test", timeout=60)
        eventlet.sleep(2.0)
        assert sorted(a for m in system.mail.messages for a in m["to"]) == sorted(f"r{n}@x.test" for n in range(30))
        for replica in replicas:
            replica.stop()


def test_a_claim_is_short_but_renewed_while_its_worker_sends(tmp_path, monkeypatch):
    """A slow SMTP server (faked: this is about the claim alone) keeps its message past the claim's
    length; once the sender is gone, the claim runs out within seconds."""
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from portico_kit.migrate import upgrade
    from portico_kit.timeutil import aware, utcnow

    url = f"sqlite:///{tmp_path}/notifications.db"
    upgrade("notifications", url)
    engine = create_engine(url)
    monkeypatch.setattr(delivery, "CLAIM_FOR", timedelta(seconds=1))
    monkeypatch.setattr(delivery, "RENEW_EVERY", 0.3)
    with Session(engine) as session:
        session.add(EmailMessage(id="m-1", kind="test", to_email="a@x.test", subject="S", text_body="t",
                                 html_body="<p>t</p>", dedupe_key="m-1"))
        session.commit()
    taken_meanwhile = []

    def slow_send(mail, before_data=None, on_accepted=None):
        for _ in range(5):  # 2.5 s: more than twice the claim
            eventlet.sleep(0.5)
            with Session(engine) as other:  # another worker, asking for the message
                taken_meanwhile.append(delivery.claim(other, "m-1"))
        before_data()
        on_accepted()
    monkeypatch.setattr(delivery.mailer, "send", slow_send)
    monkeypatch.setattr(delivery.mailer, "build", lambda message: None)
    with Session(engine) as session:
        assert delivery.deliver(session, "m-1") == "sent"
    assert taken_meanwhile == [False] * 5

    # a worker that died mid-send renews nothing: its claim is free a second later
    with Session(engine) as session:
        session.add(EmailMessage(id="m-2", kind="test", to_email="b@x.test", subject="S", text_body="t",
                                 html_body="<p>t</p>", dedupe_key="m-2"))
        session.commit()
        assert delivery.claim(session, "m-2")
        until = aware(session.get(EmailMessage, "m-2").claimed_until)
        assert until - utcnow() <= timedelta(seconds=1)
    eventlet.sleep(1.2)
    with Session(engine) as other:
        assert delivery.claim(other, "m-2")
    engine.dispose()


def test_handled_events_are_forgotten_after_the_retention_and_pending_ones_never(tmp_path):
    """notifications publishes nothing (no OutboxRelayMixin), so its own hourly purge keeps the
    kit's EVENT_RETENTION_DAYS for remembered event ids and handled inbox rows."""
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from portico_kit import messaging
    from portico_kit.migrate import upgrade
    from portico_kit.timeutil import utcnow

    from notifications import inbox
    from notifications.models import InboundEvent, ProcessedEvent

    url = f"sqlite:///{tmp_path}/notifications.db"
    upgrade("notifications", url)
    engine = create_engine(url)
    assert inbox.RETENTION == messaging.RETENTION == timedelta(days=30)
    old, recent = utcnow() - timedelta(days=31), utcnow() - timedelta(days=1)
    with Session(engine) as session:
        session.add_all([
            ProcessedEvent(event_id="old", handler="h", processed_at=old),
            ProcessedEvent(event_id="recent", handler="h", processed_at=recent),
            InboundEvent(event_id="old-done", handler="h", event_type="t", envelope={}, status="done", processed_at=old),
            InboundEvent(event_id="old-failed", handler="h", event_type="t", envelope={}, status="failed",
                         processed_at=old),
            InboundEvent(event_id="recent-done", handler="h", event_type="t", envelope={}, status="done",
                         processed_at=recent)])
        session.commit()
        inbox.purge(session)
        assert list(session.scalars(select(ProcessedEvent.event_id))) == ["recent"]
        assert sorted(session.scalars(select(InboundEvent.event_id))) == ["old-failed", "recent-done"]
    engine.dispose()


def test_an_event_claim_is_short_but_renewed_while_its_worker_handles_it(tmp_path, monkeypatch):
    """The inbox claims like the mail does: a slow handler (PDFs to fetch) keeps its event past the
    claim's length; a killed one renews nothing and its event is free again within seconds."""
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from portico_kit.migrate import upgrade

    from notifications import inbox

    url = f"sqlite:///{tmp_path}/notifications.db"
    upgrade("notifications", url)
    engine = create_engine(url)
    monkeypatch.setattr(inbox, "CLAIM_FOR", timedelta(seconds=1))
    monkeypatch.setattr(delivery, "RENEW_EVERY", 0.3)
    envelope = {"event_id": "ev-1", "event_type": "portal_invitation_created", "org_id": "org-1", "data": {}}
    with Session(engine) as session:
        row_id = inbox.accept(session, envelope, "on_portal_portal_invitation_created")
        taken_meanwhile = []
        with delivery.claim_kept(session, row_id, renew=inbox.renew_claim):
            for _ in range(5):  # 2.5 s of handling: more than twice the claim
                eventlet.sleep(0.5)
                with Session(engine) as other:  # another worker's timer, looking for due events
                    taken_meanwhile.append(inbox.claim(other, row_id))
        assert taken_meanwhile == [None] * 5
    # the worker is gone (nothing renews): a second later the event is someone else's
    eventlet.sleep(1.2)
    with Session(engine) as other:
        assert inbox.claim(other, row_id) == envelope
    engine.dispose()
