"""Event in, email out: through the real broker to a real SMTP server."""
import eventlet

from portico_kit.testing.smtp import body_text

from .conftest import invitation_data

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u1"}


def wait_until(check, timeout=15):
    for _ in range(int(timeout / 0.05)):
        result = check()
        if result:
            return result
        eventlet.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_invitation_event_sends_a_text_and_html_email(notifications, dispatch_event, smtp_catcher):
    dispatch_event("portal", "portal_invitation_created", invitation_data())
    [mail] = smtp_catcher.wait_for("bob@bikes.test")
    assert mail["Subject"] == "Acme <Design> invites you to their customer portal"
    assert "Acme <Design> via Portico" in str(mail["From"])
    text = body_text(mail)
    assert "http://localhost:8000/portal/acme/invite/TOKEN123" in text and "02 December 2026" in text
    html = body_text(mail, "html")
    assert '<a href="http://localhost:8000/portal/acme/invite/TOKEN123">' in html
    assert "Acme &lt;Design&gt;" in html  # escaped in HTML
    log = wait_until(lambda: notifications.list_messages(STAFF)["items"])
    assert log[0]["kind"] == "portal_invitation" and log[0]["status"] == "sent" and log[0]["attempts"] == 1


def test_a_redelivered_event_sends_nothing_twice(notifications, dispatch_event, smtp_catcher):
    envelope = dispatch_event("portal", "portal_invitation_created", invitation_data())
    dispatch_event("portal", "portal_invitation_created", None, envelope=envelope)
    smtp_catcher.wait_for("bob@bikes.test")
    eventlet.sleep(1.0)
    assert len(smtp_catcher.to("bob@bikes.test")) == 1
    assert notifications.list_messages(STAFF)["total"] == 1


def test_smtp_down_then_back_the_mail_still_arrives(notifications, dispatch_event, smtp_catcher):
    smtp_catcher.stop()
    dispatch_event("portal", "portal_invitation_created", invitation_data())
    failed = wait_until(lambda: [m for m in notifications.list_messages(STAFF)["items"] if m["attempts"] >= 2])
    assert failed[0]["status"] == "queued" and "Connection" in failed[0]["last_error"]
    smtp_catcher.start()
    smtp_catcher.wait_for("bob@bikes.test")
    sent = wait_until(lambda: [m for m in notifications.list_messages(STAFF, 1, 50, "sent")["items"]])
    assert sent[0]["attempts"] >= 3 and sent[0]["sent_at"]


def test_the_log_is_per_organization(notifications, dispatch_event, smtp_catcher):
    dispatch_event("portal", "portal_invitation_created", invitation_data(), org_id="org-1")
    smtp_catcher.wait_for("bob@bikes.test")
    other = {"kind": "staff", "org_id": "org-2", "user_id": "u2"}
    assert notifications.list_messages(other)["total"] == 0
