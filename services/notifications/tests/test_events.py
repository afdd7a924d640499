"""Every event docs/events.md routes to notifications: dispatched over the real broker, with the real
accounts, customers and portal services answering, into a real SMTP server."""
import re

import eventlet

from portico_kit.testing.smtp import body_text

from . import payloads
from .conftest import Org, handled


def only(mail, address, **kw):
    [message] = mail.wait_for(address, **kw)
    return message


def links(text):
    return re.findall(r"https?://\S+", text)


def test_invitation_and_resent_invitation_reach_the_contact(system, org):
    customer = org.customer("Bob's Bikes", email="bob@bikes.test", portal=True)
    first = only(system.mail, "bob@bikes.test")
    assert first["Subject"] == f"{org.name} invites you to their customer portal"
    assert str(first["From"]) == f"{org.name} via Portico <no-reply@portico.test>"
    assert str(first["Reply-To"]) == org.owner_email  # the organization's email: replies reach the business
    text, html = body_text(first), body_text(first, "html")
    [link] = [url for url in links(text) if "/invite/" in url]
    assert link.startswith(f"{org.prefs['portal_url']}/invite/") and link.startswith("http://localhost:8000/")
    assert f'<a href="{link}">' in html and "Bob&#39;s Bikes" in html and "Bob's Bikes" in text

    system.portal.resend_invitations(org.staff, customer["id"])
    second = system.mail.wait_for("bob@bikes.test", count=2)[1]
    [new_link] = [url for url in links(body_text(second)) if "/invite/" in url]
    assert new_link != link and second["Message-ID"] != first["Message-ID"]
    log = system.notifications.list_messages(org.staff)
    assert [(m["kind"], m["to"]) for m in log["items"]] == [("portal_invitation", "bob@bikes.test")] * 2


def test_portal_password_reset_link_goes_to_the_contact(system, org, dispatch_event):
    customer = org.customer("Dana's Deli", email="dana@deli.test")
    data = payloads.portal_password_reset(org, customer, customer["contacts"][0], org.prefs)
    dispatch_event("portal", "portal_password_reset_requested", data, org_id=org.id)
    message = only(system.mail, "dana@deli.test")
    assert message["Subject"] == f"Reset your password for the {org.name} customer portal"
    assert data["reset_url"] in links(body_text(message))
    assert "December 2, 2026, 11:00\u202fAM UTC" in body_text(message)
    assert system.notifications.list_messages(org.staff)["items"][0]["kind"] == "password_reset"


def test_staff_password_reset_comes_from_portico_itself(system, org, dispatch_event):
    dispatch_event("accounts", "staff_password_reset_requested",
                   payloads.staff_password_reset(org, org.owner_email), org_id=org.id)
    message = only(system.mail, org.owner_email)
    assert message["Subject"] == "Reset your Portico password"
    assert str(message["From"]) == "Portico <no-reply@portico.test>" and message["Reply-To"] is None
    assert "http://localhost:8000/app/reset/STAFF-TOKEN-1" in links(body_text(message))


def test_invoice_and_quote_sent_link_to_the_document_in_the_portal(system, org, dispatch_event):
    customer = org.customer("Bob's Bikes", email="bob@bikes.test", portal=True,
                            contacts=[{"first_name": "Carl", "last_name": "Clerk", "email": "carl@bikes.test"}])
    system.portal.enable_portal(org.staff, customer["id"])  # invites Carl too
    system.mail.wait_for("carl@bikes.test")
    data = payloads.invoice_sent(customer, number="INV-000042", total="1250.00")
    dispatch_event("billing", "invoice_sent", data, org_id=org.id)
    for address, name in (("bob@bikes.test", "Bob's Bikes"), ("carl@bikes.test", "Carl Clerk")):
        message = only(system.mail, address, subject_contains="Invoice")
        assert message["Subject"] == f"Invoice INV-000042 from {org.name}"
        text = body_text(message)
        assert f"Hello {name}," in text and "€1,250.00" in text and "December 16, 2026" in text
        assert f"{org.prefs['portal_url']}/invoices/{data['invoice']['id']}" in links(text)

    quote = payloads.quote_sent(customer, number="QT-000007", total="980.50")
    dispatch_event("billing", "quote_sent", quote, org_id=org.id)
    message = only(system.mail, "carl@bikes.test", subject_contains="Quote")
    assert message["Subject"] == f"Quote QT-000007 from {org.name}"
    assert "valid until December 31, 2026" in body_text(message)
    assert f"{org.prefs['portal_url']}/quotes/{quote['quote']['id']}" in links(body_text(message))


def test_without_portal_access_the_notice_goes_to_the_customer_email_without_a_portal_link(
        system, org, dispatch_event):
    customer = org.customer("Offline Ltd", email="accounts@offline.test")
    dispatch_event("billing", "invoice_sent", payloads.invoice_sent(customer), org_id=org.id)
    message = only(system.mail, "accounts@offline.test")
    text = body_text(message)
    assert "/portal/" not in text and "get in touch" in text
    bare = org.customer("No Mail Ltd")
    envelope = dispatch_event("billing", "invoice_sent", payloads.invoice_sent(bare), org_id=org.id)
    handled(system, envelope, emails=0)  # nobody to tell: handled, nothing sent


def activity_events(org, customer):
    actor = org.customer_actor(customer)
    return [
        ("billing", "quote_accepted", payloads.quote_accepted(customer, number="QT-1"), actor,
         f"{customer['display_name']} accepted quote QT-1"),
        ("billing", "quote_declined", payloads.quote_declined(customer, number="QT-2"), actor,
         f"{customer['display_name']} declined quote QT-2"),
        ("billing", "comment_added", payloads.comment_added(customer, "Can we pay in two parts?", "customer",
                                                            "Bob's Bikes"), actor,
         f"{customer['display_name']} commented on invoice INV-000042"),
        ("billing", "payment_recorded", payloads.payment_recorded(customer, source="portal"), actor,
         f"{customer['display_name']} paid €250.00 on invoice INV-000042"),
        ("customers", "customer_updated", payloads.customer_updated(customer), actor,
         f"{customer['display_name']} updated their details"),
        ("reviews", "review_submitted", payloads.review_submitted(customer, rating=4), actor,
         f"{customer['display_name']} left a 4-star review"),
    ]


def not_activity(org, customer):
    """Look alike, but staff did them: never an activity email."""
    return [
        ("billing", "payment_recorded", payloads.payment_recorded(customer, source="staff"), org.staff),
        ("customers", "customer_updated", payloads.customer_updated(customer), org.staff),
        ("billing", "quote_accepted", payloads.quote_accepted(customer), org.staff),
    ]


def test_portal_activity_emails_every_staff_member_when_switched_on(system, org, dispatch_event):
    org.add_staff("Sam Staff", "sam@acme.test")
    customer = org.customer("Bob's Bikes", email="bob@bikes.test")
    assert org.set_prefs(notify_staff_on_activity=True)["notify_staff_on_activity"] is True
    for source, event_type, data, _ in not_activity(org, customer):
        receipt = 1 if event_type == "payment_recorded" else 0  # the customer's receipt; nothing to staff
        handled(system, dispatch_event(source, event_type, data, org_id=org.id, actor=org.staff), emails=receipt)
    expected = activity_events(org, customer)
    for source, event_type, data, actor, _ in expected:
        dispatch_event(source, event_type, data, org_id=org.id, actor=actor)
    for address in (org.owner_email, "sam@acme.test"):
        mails = system.mail.wait_for(address, count=len(expected))
        assert sorted(m["Subject"] for m in mails) == sorted(summary for *_, summary in expected)
    by_subject = {m["Subject"]: body_text(m) for m in system.mail.to("sam@acme.test")}
    declined = by_subject[f"{customer['display_name']} declined quote QT-2"]
    assert "Hello Sam Staff," in declined and "Too expensive for us this year." in declined
    assert f"http://localhost:8000/app/customers/{customer['id']}" in links(declined)
    assert "Can we pay in two parts?" in by_subject[f"{customer['display_name']} commented on invoice INV-000042"]
    updated = by_subject[f"{customer['display_name']} updated their details"]
    assert "Phone: +49 30 555 0101" in updated and "Radweg 1, Berlin, 10115, Germany" in updated
    assert "Balance due now: €1,000.00" in by_subject[
        f"{customer['display_name']} paid €250.00 on invoice INV-000042"]
    assert "Lovely work, on time." in by_subject[f"{customer['display_name']} left a 4-star review"]
    # the customer is never told about their own actions, but gets the receipt for their payment (issue 12)
    assert [m["Subject"].startswith("Receipt for your payment") for m in system.mail.wait_for("bob@bikes.test")] == [True]


def test_no_activity_email_when_switched_off(system, org, dispatch_event):
    customer = org.customer("Bob's Bikes", email="bob@bikes.test")
    org.set_prefs(notify_staff_on_activity=False)
    for source, event_type, data, actor, _ in activity_events(org, customer):
        receipt = 1 if event_type == "payment_recorded" else 0  # the customer's receipt is not activity
        handled(system, dispatch_event(source, event_type, data, org_id=org.id, actor=actor), emails=receipt)
    assert system.mail.to(org.owner_email) == []
    assert [m["kind"] for m in system.notifications.list_messages(org.staff)["items"]] == ["payment_receipt"]


def test_staff_comment_reaches_the_customer_with_the_document_link_when_switched_on(system, org, dispatch_event):
    customer = org.customer("Bob's Bikes", email="bob@bikes.test", portal=True)
    system.mail.wait_for("bob@bikes.test")  # the invitation
    doc = payloads.document(customer, type="quote", number="QT-000009")
    data = payloads.comment_added(customer, "Delivery is included <b>free</b>.", "staff", "Olive Owner", doc=doc)
    dispatch_event("billing", "comment_added", data, org_id=org.id, actor=org.staff)
    message = only(system.mail, "bob@bikes.test", subject_contains="commented")
    assert message["Subject"] == f"{org.name} commented on quote QT-000009"
    text, html = body_text(message), body_text(message, "html")
    assert "Olive Owner of" in text and "Delivery is included <b>free</b>." in text
    assert "&lt;b&gt;free&lt;/b&gt;" in html and "<b>free</b>" not in html  # the comment cannot inject HTML
    assert f"{org.prefs['portal_url']}/quotes/{doc['id']}" in links(text)
    assert len(system.mail.to(org.owner_email)) == 0  # a staff comment is not portal activity

    org.set_prefs(notify_customer_on_comment=False)
    envelope = dispatch_event("billing", "comment_added", payloads.comment_added(
        customer, "Second thought", "staff", "Olive Owner"), org_id=org.id, actor=org.staff)
    handled(system, envelope, emails=0)
    assert len(system.mail.to("bob@bikes.test")) == 2  # invitation and the first comment only


def test_staff_comment_without_portal_goes_to_the_customer_email(system, org, dispatch_event):
    customer = org.customer("Offline Ltd", email="accounts@offline.test")
    dispatch_event("billing", "comment_added", payloads.comment_added(customer, "Noted.", "staff", "Olive Owner"),
                   org_id=org.id, actor=org.staff)
    text = body_text(only(system.mail, "accounts@offline.test"))
    assert "Noted." in text and "/portal/" not in text and org.owner_email in text


def test_forwarded_document_goes_to_the_recipient_with_the_view_link_only(system, org, dispatch_event):
    customer = org.customer("Bob's Bikes", email="bob@bikes.test", portal=True)
    system.mail.wait_for("bob@bikes.test")
    actor = org.customer_actor(customer)
    data = payloads.document_forwarded(customer, email="Carla@Partner.test", name="Carla Partner")
    dispatch_event("billing", "document_forwarded", data, org_id=org.id, actor=actor)
    message = only(system.mail, "carla@partner.test")
    assert message["Subject"] == f"Bob's Bikes shared invoice INV-000042 from {org.name} with you"
    text = body_text(message)
    assert links(text) == [data["view_url"]]  # never a sign-in or portal link
    assert "invite" not in text and "/login" not in text and "December 31, 2026" in text
    assert len(system.mail.to("bob@bikes.test")) == 1  # the customer gets no copy


def test_review_request_uses_the_organizations_template(system, org, dispatch_event):
    customer = org.customer("Bob's Bikes", email="bob@bikes.test")
    system.notifications.update_template(org.staff, "review_request", {
        "subject": "{{ customer.name }}, a minute for {{ organization.name }}?",
        "body": "Dear {{ recipient.name }},\n\nplease rate us: {{ review_url }}\n\nThanks!"})
    data = payloads.review_requested(customer, "bob@bikes.test", name="Bob Baker")
    first = dispatch_event("reviews", "review_requested", data, org_id=org.id, actor=org.staff)
    message = only(system.mail, "bob@bikes.test")
    assert message["Subject"] == f"Bob's Bikes, a minute for {org.name}?"
    assert body_text(message).replace("\r\n", "\n") == f"Dear Bob Baker,\n\nplease rate us: {data['review_url']}\n\nThanks!\n"
    assert f'<a href="{data["review_url"]}">' in body_text(message, "html")
    # asked again: the same request, a new event, a new email; the first event again sends nothing
    dispatch_event("reviews", "review_requested", data, org_id=org.id, actor=org.staff)
    dispatch_event("reviews", "review_requested", None, envelope=first)
    system.mail.wait_for("bob@bikes.test", count=2)
    handled(system, first)
    eventlet.sleep(1.0)
    assert len(system.mail.to("bob@bikes.test")) == 2
    kinds = {m["kind"] for m in system.notifications.list_messages(org.staff)["items"]}
    assert kinds == {"review_request"}


def test_templates_of_one_organization_never_reach_another(system, org, dispatch_event):
    other = Org(system, "Other Co")
    system.notifications.update_template(org.staff, "review_request", {
        "subject": "Secret subject of {{ organization.name }}", "body": "Rate us {{ review_url }}"})
    customer = other.customer("Eve's Eggs", email="eve@eggs.test")
    dispatch_event("reviews", "review_requested", payloads.review_requested(customer, "eve@eggs.test"),
                   org_id=other.id, actor=other.staff)
    message = only(system.mail, "eve@eggs.test")
    assert message["Subject"] == f"How did we do? {other.name} would love your review"
    assert system.notifications.list_messages(org.staff)["total"] == 0
    assert system.notifications.list_messages(other.staff)["total"] == 1
