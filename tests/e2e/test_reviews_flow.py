"""Reviews end to end: the switch, both ways of asking, the emailed link, rating, the report."""
import re

from nameko.standalone.events import event_dispatcher

from devstack.client import invite_link
from portico_kit.messaging import make_envelope
from portico_kit.testing.smtp import body_text


def portal_customer(api, mail, token, unique, name="Rita"):
    email = f"{name.lower()}-{unique}@reviews.test"
    customer = api.create_customer(token, display_name=f"{name}'s Shop", email=email, enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    return customer, email, portal_token


def review_link(mail, email, count=1):
    # by subject: a payment's receipt reaches the customer too
    messages = mail.wait_for(email, count=count, subject_contains="would love your review")
    match = re.search(r"https?://\S+/reviews/[0-9a-f-]{36}", body_text(messages[-1]))
    assert match, body_text(messages[-1])
    return match.group(0)


def test_ask_rate_and_report(api, new_org, mail, unique):
    owner = new_org("Rated Co")
    token = owner["token"]
    portal_name = api.portal_settings(token, reviews_enabled=True)["portal_name"]
    customer, email, portal_token = portal_customer(api, mail, token, unique)

    request = api.json("POST", f"/api/v1/customers/{customer['id']}/review-requests", token, expect=201)
    assert request["status"] == "sent"
    link = review_link(mail, email)
    assert link.endswith(f"/portal/{portal_name}/reviews/{request['id']}")
    again = api.json("POST", f"/api/v1/customers/{customer['id']}/review-requests", token, expect=201)
    assert again["id"] == request["id"] and again["resent"] is True
    assert review_link(mail, email, count=2) == link  # the same request, sent again

    base = f"/portal/{portal_name}/api/v1"
    assert [r["id"] for r in api.json("GET", f"{base}/review-requests", portal_token)["items"]] == [request["id"]]
    bad = api.request("POST", f"{base}/reviews", portal_token, json={"request_id": request["id"], "rating": 7})
    assert bad.status_code == 422 and "rating" in bad.json()["error"]["fields"]
    review = api.json("POST", f"{base}/reviews", portal_token, expect=201,
                      json={"request_id": request["id"], "rating": 5, "comment": "Spot on"})
    assert review["rating"] == 5
    second = api.request("POST", f"{base}/reviews", portal_token, json={"request_id": request["id"], "rating": 4})
    assert second.status_code == 409

    day = review["submitted_at"][:10]
    report = api.json("GET", f"/api/v1/reports/reviews?from={day}&to={day}", token)
    assert (report["count"], report["average_rating"], report["distribution"]["5"]) == (1, 5.0, 1)
    assert report["items"][0]["customer_name"] == "Rita's Shop" and report["items"][0]["comment"] == "Spot on"
    csv_text = api.request("GET", f"/api/v1/reports/reviews?from={day}&to={day}&format=csv", token, expect=200).text
    assert "Spot on" in csv_text and csv_text.splitlines()[0].startswith("submitted_at,customer_name")
    # staff hear about it (email me on every portal activity is on by default)
    staff_mail = mail.wait_for(owner["email"], subject_contains="review")
    assert "left a 5-star review" in staff_mail[-1]["Subject"] and "Spot on" in body_text(staff_mail[-1])

    mallory = new_org("Mallory")
    api.portal_settings(mallory["token"], reviews_enabled=True)
    assert api.json("GET", f"/api/v1/reports/reviews?from={day}&to={day}", mallory["token"])["count"] == 0
    assert api.request("POST", f"/api/v1/customers/{customer['id']}/review-requests",
                       mallory["token"]).status_code == 404


def test_the_switch_off_refuses_asking_and_reviewing(api, new_org, mail, unique):
    owner = new_org("Quiet Co")
    token = owner["token"]
    portal_name = api.portal_settings(token, reviews_enabled=True)["portal_name"]
    customer, email, portal_token = portal_customer(api, mail, token, unique, "Quinn")
    request = api.json("POST", f"/api/v1/customers/{customer['id']}/review-requests", token, expect=201)
    api.portal_settings(token, reviews_enabled=False)
    response = api.request("POST", f"/api/v1/customers/{customer['id']}/review-requests", token)
    assert response.status_code == 403 and response.json()["error"]["code"] == "reviews_disabled"
    base = f"/portal/{portal_name}/api/v1"
    assert api.request("GET", f"{base}/review-requests", portal_token).status_code == 403
    response = api.request("POST", f"{base}/reviews", portal_token, json={"request_id": request["id"], "rating": 5})
    assert response.status_code == 403 and response.json()["error"]["code"] == "reviews_disabled"
    assert api.json("GET", f"/portal/{portal_name}/api/v1/me", portal_token)["portal"]["features"]["reviews"] is False


def test_a_customer_without_email_cannot_be_asked(api, new_org):
    owner = new_org("Mailless")
    api.portal_settings(owner["token"], reviews_enabled=True)
    customer = api.create_customer(owner["token"], display_name="No Mail")
    response = api.request("POST", f"/api/v1/customers/{customer['id']}/review-requests", owner["token"])
    assert response.status_code == 422 and response.json()["error"]["code"] == "email_required"


def test_a_payment_with_request_review_asks_by_email(stack, api, new_org, mail, unique):
    """billing's payment_recorded (here published on the stack's broker as billing would) -> reviews -> email."""
    owner = new_org("Paid Co")
    token = owner["token"]
    api.portal_settings(token, reviews_enabled=True)
    customer, email, _ = portal_customer(api, mail, token, unique, "Pam")
    org_id = owner["organization"]["id"]
    actor = {"kind": "staff", "org_id": org_id, "user_id": owner["user"]["id"], "name": owner["user"]["name"]}
    data = {"payment": {"id": f"pay-{unique}", "invoice_id": "inv", "customer_id": customer["id"], "amount": "10.00",
                        "currency": "USD", "date": "2026-11-25", "mode": "cash", "reference": None, "source": "staff"},
            "invoice": {"id": "inv", "number": "INV-000001", "total": "10.00", "balance_due": "0.00", "status": "paid"},
            "customer": {"id": customer["id"], "display_name": customer["display_name"]}, "request_review": True}
    dispatch = event_dispatcher({"AMQP_URI": stack.env["AMQP_URI"]})
    dispatch("billing", "payment_recorded", make_envelope("payment_recorded", data, actor=actor))
    review_link(mail, email)
    [request] = api.json("GET", f"/api/v1/customers/{customer['id']}/review-requests", token)["items"]
    assert request["source"] == "payment"
