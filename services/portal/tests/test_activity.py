"""The portal activity log, fed by real events over the broker, read by staff."""
import uuid

import eventlet
import pytest

from portico_kit.errors import Forbidden, Invalid
from portico_kit.messaging import make_envelope
from portico_kit.testing.waiting import wait_until as wait_for

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u1", "name": "Olive", "org_name": "Acme",
         "org_timezone": "Europe/Berlin"}
OTHER = {"kind": "staff", "org_id": "org-2", "user_id": "u2", "name": "Eve", "org_name": "Evil"}


@pytest.fixture
def bob(system):
    """A customer with portal access, signed in once (so invitation_accepted is logged)."""
    customer = system["customers"].create_customer(STAFF, {"display_name": "Bob's Bikes", "email": "bob@bikes.test"})
    system["portal"].enable_portal(STAFF, customer["id"])
    return customer


def ref(customer):
    return {"id": customer["id"], "display_name": customer["display_name"]}


def actor_of(customer):
    contact = customer["contacts"][0]
    return {"kind": "customer", "org_id": "org-1", "customer_id": customer["id"], "contact_id": contact["id"],
            "name": "Bob Baker", "email": contact["email"]}


def quote(customer, number="QT-1"):
    return {"id": str(uuid.uuid4()), "number": number, "customer_id": customer["id"], "date": "2026-12-01",
            "expiry_date": "2026-12-31", "total": "980.50", "currency": "EUR", "status": "accepted"}


def events_for(customer):
    """(source, type, data, actor, logged?) — the customer's own actions are logged, staff's are not."""
    customer_actor, doc = actor_of(customer), {"type": "invoice", "id": str(uuid.uuid4()), "number": "INV-9",
                                               "customer_id": customer["id"], "total": "100.00",
                                               "currency": "EUR", "status": "sent"}
    payment = {"id": "p1", "invoice_id": doc["id"], "customer_id": customer["id"], "amount": "40.00",
               "currency": "EUR", "date": "2026-12-04", "mode": "card", "reference": None}
    invoice = {"id": doc["id"], "number": "INV-9", "total": "100.00", "balance_due": "60.00", "status": "sent"}
    comment = {"id": "c1", "text": "Paid half today", "created_at": "2026-12-04T10:00:00Z"}
    return [
        ("billing", "quote_accepted", {"quote": quote(customer, "QT-1"), "customer": ref(customer)}, customer_actor, True),
        ("billing", "quote_declined", {"quote": quote(customer, "QT-2"), "customer": ref(customer), "reason": "Too late"},
         customer_actor, True),
        ("billing", "comment_added", {"document": doc, "comment": dict(comment, author={"kind": "customer",
                                                                                        "name": "Bob Baker"}),
                                      "customer": ref(customer)}, customer_actor, True),
        ("billing", "payment_recorded", {"payment": dict(payment, source="portal"), "invoice": invoice,
                                         "customer": ref(customer), "request_review": False}, customer_actor, True),
        ("customers", "customer_updated", {"customer": ref(customer), "changes": {"phone": {"old": None, "new": "1", "label": "Phone"}}},
         customer_actor, True),
        ("billing", "document_forwarded", {"document": doc, "customer": ref(customer),
                                           "recipient": {"name": "Carla", "email": "carla@x.test", "contact_id": "k9"},
                                           "view_url": "http://x/v", "expires_at": "2026-12-31T00:00:00Z"},
         customer_actor, True),
        ("reviews", "review_submitted", {"review": {"id": "r1", "request_id": "q1", "rating": 5, "comment": "Great",
                                                    "submitted_at": "2026-12-05T10:00:00Z"},
                                         "customer": ref(customer)}, customer_actor, True),
        ("billing", "invoice_viewed", {"invoice": invoice, "document": doc, "customer": ref(customer),
                                       "view": {"channel": "pdf", "at": "2026-12-04T09:00:00Z"}}, customer_actor, True),
        # staff did these: not portal activity
        ("billing", "comment_added", {"document": doc, "comment": dict(comment, author={"kind": "staff",
                                                                                        "name": "Olive"}),
                                      "customer": ref(customer)}, STAFF, False),
        ("billing", "payment_recorded", {"payment": dict(payment, source="staff"), "invoice": invoice,
                                         "customer": ref(customer), "request_review": False}, STAFF, False),
        ("customers", "customer_updated", {"customer": ref(customer), "changes": {"notes": {"old": None, "new": "x"}}},
         STAFF, False),
        ("billing", "quote_accepted", {"quote": quote(customer, "QT-3"), "customer": ref(customer)}, STAFF, False),
    ]


def test_the_customers_own_actions_are_logged_with_who_what_which_document_and_when(system, bob, dispatch_event,
                                                                                     received):
    portal = system["portal"]
    name = portal.get_preferences(STAFF)["portal_name"]
    token = [e for e in wait_for(lambda: list(received)) if e["event_type"] == "portal_invitation_created"][0]
    portal.accept_invitation(name, token["data"]["invite_url"].rsplit("/", 1)[1], {"password": "bike shed 42"})
    portal.login(name, {"email": "bob@bikes.test", "password": "bike shed 42"})
    events = events_for(bob)
    for source, event_type, data, actor, _ in events:
        dispatch_event(source, event_type, data, org_id="org-1", actor=actor)
    logged = sum(1 for *_, yes in events if yes) + 2  # + invitation accepted, signed in
    items = wait_for(lambda: (lambda r: r["items"] if r["total"] >= logged else None)(
        portal.list_activity(STAFF)))
    eventlet.sleep(1.0)  # the staff actions had their chance to be (wrongly) logged
    items = portal.list_activity(STAFF, None, None, 1, 50)["items"]
    assert sorted(i["kind"] for i in items) == sorted(
        ["quote_accepted", "quote_declined", "comment_added", "payment_recorded", "customer_updated",
         "document_forwarded", "review_submitted", "invoice_viewed", "invitation_accepted", "signed_in"])
    by_kind = {i["kind"]: i for i in items}
    accepted = by_kind["quote_accepted"]
    assert accepted["customer_id"] == bob["id"] and accepted["customer_name"] == "Bob's Bikes"
    assert accepted["contact"] == {"id": bob["contacts"][0]["id"], "name": "Bob Baker", "email": "bob@bikes.test"}
    assert accepted["document"]["type"] == "quote" and accepted["document"]["number"] == "QT-1"
    assert accepted["at"].endswith("Z") and accepted["summary"] == "Bob Baker (Bob's Bikes) accepted quote QT-1"
    assert by_kind["quote_declined"]["details"] == {"reason": "Too late"}
    assert by_kind["payment_recorded"]["summary"] == "Bob Baker (Bob's Bikes) paid EUR 40.00 on invoice INV-9"
    assert by_kind["document_forwarded"]["details"]["recipient"]["email"] == "carla@x.test"
    assert by_kind["review_submitted"]["details"]["rating"] == 5 and by_kind["customer_updated"]["document"] is None
    assert by_kind["customer_updated"]["details"]["fields"] == ["phone"]
    assert by_kind["customer_updated"]["details"]["field_labels"] == ["Phone"]  # as staff read it
    assert by_kind["invoice_viewed"]["summary"] == "Bob Baker (Bob's Bikes) viewed invoice INV-9"
    assert by_kind["invoice_viewed"]["details"] == {"channel": "pdf"}
    signed_in = by_kind["signed_in"]
    assert signed_in["contact"]["email"] == "bob@bikes.test" and signed_in["customer_name"] == "Bob's Bikes"
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)  # newest first

    sign_ins = portal.list_sign_ins(STAFF)
    assert sign_ins["total"] == 1 and sign_ins["items"][0]["email"] == "bob@bikes.test"
    assert sign_ins["items"][0]["last_login_at"] and sign_ins["items"][0]["customer_name"] == "Bob's Bikes"
    assert portal.list_activity(STAFF, None, None, 1, 50, "signed_in")["total"] == 1
    assert portal.list_activity(STAFF, None, None, 1, 50, None, "someone-else")["total"] == 0


def test_a_redelivered_event_is_logged_once(system, bob, dispatch_event):
    envelope = dispatch_event("billing", "quote_accepted", {"quote": quote(bob), "customer": ref(bob)},
                              org_id="org-1", actor=actor_of(bob))
    dispatch_event("billing", "quote_accepted", None, envelope=envelope)
    wait_for(lambda: system["portal"].list_activity(STAFF, None, None, 1, 50, "quote_accepted")["total"])
    eventlet.sleep(1.0)
    assert system["portal"].list_activity(STAFF, None, None, 1, 50, "quote_accepted")["total"] == 1


def at(dispatch_event, customer, occurred_at, number):
    envelope = make_envelope("quote_accepted", {"quote": quote(customer, number), "customer": ref(customer)},
                             actor=actor_of(customer))
    envelope["occurred_at"] = occurred_at
    return dispatch_event("billing", "quote_accepted", None, envelope=envelope)


def test_the_period_is_in_the_organizations_time_zone_inclusive(system, bob, dispatch_event):
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin
    at(dispatch_event, bob, "2026-03-01T22:30:00Z", "QT-march-1")
    at(dispatch_event, bob, "2026-03-01T23:30:00Z", "QT-march-2")
    at(dispatch_event, bob, "2026-03-31T21:59:00Z", "QT-march-31")
    at(dispatch_event, bob, "2026-03-31T22:01:00Z", "QT-april-1")
    portal = system["portal"]
    wait_for(lambda: portal.list_activity(STAFF, None, None, 1, 50, "quote_accepted")["total"] == 4)
    march = portal.list_activity(STAFF, "2026-03-02", "2026-03-31", 1, 50, "quote_accepted")
    assert [i["document"]["number"] for i in march["items"]] == ["QT-march-31", "QT-march-2"]
    assert march["from"] == "2026-03-02" and march["to"] == "2026-03-31"
    assert portal.list_activity(STAFF, "2026-04-01")["total"] == 1
    assert portal.list_activity(STAFF, None, "2026-03-01")["total"] == 1
    page = portal.list_activity(STAFF, None, None, 2, 3, "quote_accepted")
    assert page["total"] == 4 and len(page["items"]) == 1 and page["page"] == 2


@pytest.mark.parametrize("date_from, date_to, field", [("yesterday", None, "from"), (None, "2026-13-01", "to"),
                                                       ("2026-03-02", "2026-03-01", "from")])
def test_a_bad_period_is_refused(system, date_from, date_to, field):
    with pytest.raises(Invalid) as err:
        system["portal"].list_activity(STAFF, date_from, date_to)
    assert err.value.code == "invalid_period" and field in err.value.fields


def test_other_organizations_and_customers_see_nothing(system, bob, dispatch_event):
    dispatch_event("billing", "quote_accepted", {"quote": quote(bob), "customer": ref(bob)}, org_id="org-1",
                   actor=actor_of(bob))
    wait_for(lambda: system["portal"].list_activity(STAFF)["total"])
    assert system["portal"].list_activity(OTHER)["total"] == 0
    assert system["portal"].list_sign_ins(OTHER)["total"] == 0
    with pytest.raises(Forbidden):
        system["portal"].list_activity(actor_of(bob))
    with pytest.raises(Invalid):
        system["portal"].list_activity(STAFF, None, None, 1, 50, "hacked")
