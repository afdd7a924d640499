"""Asking for reviews: from staff and from a payment, the switch, one open request per customer."""
import pytest
from sqlalchemy import create_engine, select

from portico_kit.errors import Forbidden, Invalid, NotFound

from reviews.models import ProcessedEvent

from .conftest import events_of, staff_actor, wait_until


def test_staff_ask_publishes_the_request_with_recipient_and_review_url(system, org):
    request = system.reviews.request_review(org.staff, org.customer["id"])
    assert request["status"] == "sent" and request["resent"] is False and request["source"] == "staff"
    [event] = events_of(system, "review_requested")
    data = event["data"]
    assert data["request"]["id"] == request["id"]
    assert data["recipient"] == {"email": "bob@bikes.test", "name": "Bob's Bikes"}
    portal_url = system.portal.get_preferences(org.staff)["portal_url"]
    assert data["review_url"] == f"{portal_url}/reviews/{request['id']}"
    assert event["actor"]["kind"] == "staff" and event["org_id"] == "org-1"


def test_asking_again_resends_the_same_open_request(system, org):
    first = system.reviews.request_review(org.staff, org.customer["id"])
    second = system.reviews.request_review(org.staff, org.customer["id"])
    assert second["id"] == first["id"] and second["resent"] is True and second["times_sent"] == 2
    sent = events_of(system, "review_requested", count=2)
    assert [e["data"]["request"]["id"] for e in sent] == [first["id"], first["id"]]
    assert len(system.reviews.list_customer_requests(org.staff, org.customer["id"])) == 1


def test_the_switch_gates_asking_and_reviewing(system, org):
    system.portal.update_preferences(org.staff, {"reviews_enabled": False})
    with pytest.raises(Forbidden) as err:
        system.reviews.request_review(org.staff, org.customer["id"])
    assert err.value.code == "reviews_disabled"
    with pytest.raises(Forbidden):
        system.reviews.list_open_requests(org.me)
    with pytest.raises(Forbidden):
        system.reviews.submit_review(org.me, {"request_id": "x", "rating": 5})
    assert system.reviews.list_customer_requests(org.staff, org.customer["id"]) == []


def test_a_customer_without_email_cannot_be_asked(system, org):
    bare = system.customers.create_customer(org.staff, {"display_name": "No Mail"})
    with pytest.raises(Invalid) as err:
        system.reviews.request_review(org.staff, bare["id"])
    assert err.value.code == "email_required"


def test_another_organizations_customer_is_not_found(system, org):
    other = staff_actor("org-2")
    system.portal.update_preferences(other, {"reviews_enabled": True})
    with pytest.raises(NotFound):
        system.reviews.request_review(other, org.customer["id"])
    with pytest.raises(NotFound):  # not an empty list: that would say the id exists somewhere
        system.reviews.list_customer_requests(other, org.customer["id"])


def payment_event(customer_id, request_review=True, payment_id="pay-1"):
    return {"payment": {"id": payment_id, "invoice_id": "inv-1", "customer_id": customer_id, "amount": "50.00",
                        "currency": "USD", "date": "2026-11-25", "mode": "cash", "reference": None,
                        "source": "staff"},
            "invoice": {"id": "inv-1", "number": "INV-000001", "total": "50.00", "balance_due": "0.00",
                        "status": "paid"},
            "customer": {"id": customer_id, "display_name": "Bob's Bikes"}, "request_review": request_review}


def test_a_payment_with_request_review_asks_once(system, org, dispatch_event):
    actor = {"kind": "staff", "org_id": "org-1", "user_id": "u1", "name": "Olive"}
    dispatch_event("billing", "payment_recorded", payment_event(org.customer["id"], False), actor=actor)
    envelope = dispatch_event("billing", "payment_recorded", payment_event(org.customer["id"]), actor=actor)
    dispatch_event("billing", "payment_recorded", None, envelope=envelope)  # redelivered
    [event] = events_of(system, "review_requested")
    [request] = system.reviews.list_customer_requests(org.staff, org.customer["id"])
    assert request["source"] == "payment" and event["data"]["request"]["id"] == request["id"]
    import eventlet
    eventlet.sleep(1)
    assert len([e for e in system.received if e["event_type"] == "review_requested"]) == 1


def processed(system, event_id):
    engine = create_engine(system.reviews_config["DATABASE_URL"])
    with engine.connect() as conn:
        found = conn.scalar(select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id))
    engine.dispose()
    return found


def test_a_payment_while_reviews_are_off_asks_nothing_and_is_not_retried(system, org, dispatch_event):
    system.portal.update_preferences(org.staff, {"reviews_enabled": False})
    envelope = dispatch_event("billing", "payment_recorded", payment_event(org.customer["id"]),
                              actor={"kind": "staff", "org_id": "org-1", "user_id": "u1", "name": "Olive"})
    wait_until(lambda: processed(system, envelope["event_id"]))
    system.portal.update_preferences(org.staff, {"reviews_enabled": True})
    assert system.reviews.list_customer_requests(org.staff, org.customer["id"]) == []
    assert not [e for e in system.received if e["event_type"] == "review_requested"]


def test_a_payment_arriving_while_customers_is_down_is_asked_once_it_is_back(
        start_service, container_factory, rabbit_config, rpc_client, dispatch_event):
    """The handler gives the event back to the queue while a service it needs is away."""
    from customers.service import CustomersService
    from portal.service import PortalService
    from reviews.service import ReviewsService
    customers_container, customers_config = start_service(CustomersService, "customers")
    start_service(PortalService, "portal")
    staff = staff_actor("org-9")
    rpc_client("portal").update_preferences(staff, {"reviews_enabled": True})
    customer = rpc_client("customers").create_customer(staff, {"display_name": "Kim", "email": "kim@x.test"})
    customers_container.stop()
    start_service(ReviewsService, "reviews")
    dispatch_event("billing", "payment_recorded", payment_event(customer["id"]), org_id="org-9",
                   actor={"kind": "staff", "org_id": "org-9", "user_id": "u9", "name": "Olive"})
    import eventlet
    eventlet.sleep(7)  # past one call timeout (5 s): the event went back to the queue
    reviews = rpc_client("reviews")
    kim = {"kind": "customer", "org_id": "org-9", "customer_id": customer["id"],
           "contact_id": customer["contacts"][0]["id"], "name": "Kim", "email": "kim@x.test"}
    # the customer's own list (staff's asks customers whether the id is theirs, and customers is down)
    assert reviews.list_open_requests(kim) == []
    back = container_factory(CustomersService, customers_config)
    back.start()
    [request] = wait_until(lambda: reviews.list_customer_requests(staff, customer["id"]), timeout=30)
    assert request["source"] == "payment"
