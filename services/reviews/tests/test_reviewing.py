"""The customer rates and comments: validation, ownership, one review per request."""
import pytest

from portico_kit.errors import Conflict, Invalid, NotFound

from .conftest import events_of


@pytest.mark.parametrize("body, field", [
    ({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({"rating": "5"}, "rating"),
    ({"rating": 4.5}, "rating"), ({"rating": True}, "rating"), ({}, "rating"),
    ({"rating": 5, "comment": "x" * 5001}, "comment"), ({"rating": 5, "stars": 5}, "stars"),
])
def test_bad_reviews_are_refused_and_change_nothing(system, org, body, field):
    request = system.reviews.request_review(org.staff, org.customer["id"])
    with pytest.raises(Invalid) as err:
        system.reviews.submit_review(org.me, dict(body, request_id=request["id"]))
    assert field in err.value.fields
    assert system.reviews.get_request(org.me, request["id"])["status"] == "sent"


def test_rate_once_and_the_request_is_done(system, org):
    request = system.reviews.request_review(org.staff, org.customer["id"])
    assert [r["id"] for r in system.reviews.list_open_requests(org.me)] == [request["id"]]
    review = system.reviews.submit_review(org.me, {"request_id": request["id"], "rating": 5,
                                                   "comment": "  Lovely work!  "})
    assert (review["rating"], review["comment"]) == (5, "Lovely work!")
    with pytest.raises(Conflict) as err:
        system.reviews.submit_review(org.me, {"request_id": request["id"], "rating": 1})
    assert err.value.code == "already_reviewed"
    assert system.reviews.list_open_requests(org.me) == []
    done = system.reviews.get_request(org.me, request["id"])
    assert done["status"] == "completed" and done["review"]["rating"] == 5
    [event] = events_of(system, "review_submitted")
    assert event["data"]["review"]["rating"] == 5 and event["actor"]["kind"] == "customer"
    # asking again after a review starts a new request
    again = system.reviews.request_review(org.staff, org.customer["id"])
    assert again["id"] != request["id"] and again["resent"] is False


def test_another_customers_request_is_not_found(system, org):
    request = system.reviews.request_review(org.staff, org.customer["id"])
    other = system.customers.create_customer(org.staff, {"display_name": "Eve", "email": "eve@x.test"})
    eve = {"kind": "customer", "org_id": "org-1", "customer_id": other["id"], "contact_id": "c", "name": "Eve"}
    with pytest.raises(NotFound):
        system.reviews.get_request(eve, request["id"])
    with pytest.raises(NotFound):
        system.reviews.submit_review(eve, {"request_id": request["id"], "rating": 1})
    assert system.reviews.list_open_requests(eve) == []
    stranger = dict(org.me, org_id="org-2")
    system.portal.update_preferences({"kind": "staff", "org_id": "org-2", "user_id": "u2"}, {"reviews_enabled": True})
    with pytest.raises(NotFound):
        system.reviews.submit_review(stranger, {"request_id": request["id"], "rating": 1})
    assert system.reviews.get_request(org.me, request["id"])["status"] == "sent"
