"""Billing end to end over HTTP: staff make and send documents, the customer sees, pays, accepts,
comments and forwards in the portal; drafts, other customers and other organizations stay out."""
import re
import threading
import uuid

from devstack.client import Portico, invite_link
from portico_kit.testing.smtp import body_text

CARD_OK = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}
CARD_DECLINED = dict(CARD_OK, number="4000000000000002")


def portal_customer(api, mail, token, unique, name="Paula"):
    email = f"{name.lower()}-{unique}@billing.test"
    customer = api.create_customer(token, display_name=f"{name} GmbH", email=email, currency="EUR",
                                   enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    return customer, email, portal_token


def invoice_body(customer, **extra):
    return dict({"customer_id": customer["id"], "date": "2026-11-01", "due_date": "2099-12-31",
                 "line_items": [{"description": "Design work", "quantity": "10", "rate": "99.99", "tax_rate": "19"},
                                {"description": "Hosting", "quantity": "1", "rate": "50.00", "discount": "10"}]},
                **extra)


def pay(api, base, portal_token, invoice_id, amount, key, card=CARD_OK):
    return api.request("POST", f"{base}/invoices/{invoice_id}/payments", portal_token,
                       json={"amount": amount, "card": card}, headers={"Idempotency-Key": key})


def test_invoice_sent_paid_in_the_portal_once(any_stack, mail, unique):
    api = Portico(any_stack.url)  # on SQLite and on PostgreSQL: the double click must hold on both
    owner = _signup(api, unique)
    token = owner["token"]
    portal_name = api.portal_settings(token)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    customer, email, portal_token = portal_customer(api, mail, token, unique)

    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json=invoice_body(customer))
    # 10 × 99.99 = 999.90 + 19% tax 189.98 (189.981 rounded); 50.00 − 10% = 45.00
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == ("1044.90", "189.98", "1234.88")
    assert invoice["status"] == "draft" and re.fullmatch(r"INV-\d{6}", invoice["number"])
    assert invoice["currency"] == "EUR"
    # a draft never reaches the portal
    assert api.request("GET", f"{base}/invoices/{invoice['id']}", portal_token).status_code == 404
    assert api.json("GET", f"{base}/invoices", portal_token)["total"] == 0

    sent = api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    assert sent["status"] == "sent"
    notice = mail.wait_for(email, count=2)[-1]  # after the invitation
    assert invoice["number"] in notice["Subject"] + body_text(notice)
    assert f"/portal/{portal_name}" in body_text(notice)
    assert [i["id"] for i in api.json("GET", f"{base}/invoices", portal_token)["items"]] == [invoice["id"]]

    declined = pay(api, base, portal_token, invoice["id"], "100.00", f"k-declined-{unique}", CARD_DECLINED)
    assert declined.status_code == 402 and declined.json()["error"]["code"] == "card_declined"
    part = pay(api, base, portal_token, invoice["id"], "234.88", f"k1-{unique}")
    assert part.status_code == 201, part.text
    assert part.json()["card"] == {"brand": "visa", "last4": "4242"}
    after = api.json("GET", f"{base}/invoices/{invoice['id']}", portal_token)
    assert (after["status"], after["balance_due"]) == ("partially_paid", "1000.00")
    # retrying with the same key charges nothing more
    again = pay(api, base, portal_token, invoice["id"], "234.88", f"k1-{unique}")
    assert again.status_code == 201 and again.json()["id"] == part.json()["id"]
    too_much = pay(api, base, portal_token, invoice["id"], "1000.01", f"k2-{unique}")
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "amount_exceeds_balance"

    # a double click: the same key twice at the same moment charges once
    results, key = [], f"k3-{unique}"

    def click():
        results.append(pay(api, base, portal_token, invoice["id"], "1000.00", key))
    threads = [threading.Thread(target=click) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(r.status_code for r in results) == [201, 201], [r.text for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    payments = api.json("GET", f"/api/v1/payments?invoice_id={invoice['id']}", token)["items"]
    assert sorted(p["amount"] for p in payments) == ["1000.00", "234.88"]
    staff_view = api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)
    assert (staff_view["status"], staff_view["balance_due"], staff_view["amount_paid"]) == ("paid", "0.00", "1234.88")
    assert api.json("GET", f"{base}/payments", portal_token)["total"] == 2
    # staff hear about the payment (activity emails are on by default)
    told = [m["Subject"] for m in mail.wait_for(owner["email"], count=2,
                                                  subject_contains=f"on invoice {invoice['number']}")]
    assert any("234.88" in subject for subject in told), told
    assert any("1,000.00" in subject for subject in told), told


def _signup(api, unique):
    email = f"owner-{uuid.uuid4().hex[:8]}@bill.test"
    return dict(api.signup(f"Billing Co {unique}", email), email=email)


def test_staff_payment_void_and_overdue(api, new_org, mail, unique):
    owner = new_org("Ledger Co")
    token = owner["token"]
    customer = api.create_customer(token, display_name="Walk-in", currency="USD")
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201,
                       json=invoice_body(customer, due_date="2026-11-10"))
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    assert api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)["status"] == "overdue"
    overdue = api.json("GET", f"/api/v1/invoices?status=overdue&customer_id={customer['id']}", token)
    assert [i["id"] for i in overdue["items"]] == [invoice["id"]]

    bad = api.request("POST", "/api/v1/payments", token, json={
        "customer_id": customer["id"], "invoice_id": invoice["id"], "amount": "2000.00", "mode": "cash"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "amount_exceeds_balance"
    wrong = api.request("POST", "/api/v1/payments", token, json={
        "customer_id": customer["id"], "invoice_id": invoice["id"], "amount": "ten", "mode": "barter"})
    assert wrong.status_code == 422 and {"amount", "mode"} <= set(wrong.json()["error"]["fields"])
    payment = api.json("POST", "/api/v1/payments", token, expect=201, json={
        "customer_id": customer["id"], "invoice_id": invoice["id"], "amount": "34.88", "date": "2026-11-20",
        "mode": "bank_transfer", "reference": "SEPA 123"})
    assert payment["source"] == "staff" and payment["amount"] == "34.88"
    refused = api.request("POST", f"/api/v1/invoices/{invoice['id']}/void", token)
    assert refused.status_code == 409
    # a second invoice can be voided, and then deleted
    other = api.json("POST", "/api/v1/invoices", token, expect=201, json=invoice_body(customer))
    assert int(other["number"][4:]) == int(invoice["number"][4:]) + 1
    api.json("POST", f"/api/v1/invoices/{other['id']}/send", token)
    assert api.json("POST", f"/api/v1/invoices/{other['id']}/void", token)["status"] == "void"
    assert api.request("POST", "/api/v1/payments", token, json={
        "customer_id": customer["id"], "invoice_id": other["id"], "amount": "1.00", "mode": "cash"}).status_code == 409
    api.json("DELETE", f"/api/v1/invoices/{other['id']}", token)
    assert api.request("GET", f"/api/v1/invoices/{other['id']}", token).status_code == 404
    # customers refuses to delete a customer billing holds documents for
    assert api.request("DELETE", f"/api/v1/customers/{customer['id']}", token).status_code == 409


def test_quotes_accept_decline_convert(api, new_org, mail, unique):
    owner = new_org("Quote Co")
    token = owner["token"]
    portal_name = api.portal_settings(token)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    customer, email, portal_token = portal_customer(api, mail, token, unique, "Quincy")
    body = {"customer_id": customer["id"], "date": "2026-11-20", "expiry_date": "2099-01-31",
            "line_items": [{"description": "Website", "quantity": "1", "rate": "4000.00"}]}
    first = api.json("POST", "/api/v1/quotes", token, expect=201, json=body)
    second = api.json("POST", "/api/v1/quotes", token, expect=201, json=body)
    assert api.request("POST", f"{base}/quotes/{first['id']}/accept", portal_token).status_code == 404  # draft
    for quote in (first, second):
        assert api.json("POST", f"/api/v1/quotes/{quote['id']}/send", token)["status"] == "sent"

    accepted = api.json("POST", f"{base}/quotes/{first['id']}/accept", portal_token)
    assert accepted["status"] == "accepted"
    again = api.request("POST", f"{base}/quotes/{first['id']}/decline", portal_token, json={"reason": "changed mind"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "quote_not_open"
    declined = api.json("POST", f"{base}/quotes/{second['id']}/decline", portal_token, json={"reason": "Too dear"})
    assert (declined["status"], declined["decline_reason"]) == ("declined", "Too dear")
    staff_mail = mail.wait_for(owner["email"], subject_contains="declined")
    assert "Too dear" in body_text(staff_mail[-1])

    invoice = api.json("POST", f"/api/v1/quotes/{first['id']}/convert", token, expect=201)
    assert (invoice["status"], invoice["total"], invoice["quote_id"]) == ("draft", "4000.00", first["id"])
    converted = api.json("GET", f"/api/v1/quotes/{first['id']}", token)
    assert (converted["status"], converted["invoice_id"]) == ("invoiced", invoice["id"])
    assert api.request("POST", f"/api/v1/quotes/{second['id']}/convert", token).status_code == 409


def test_comments_forwarding_and_the_shared_link(api, new_org, mail, unique):
    owner = new_org("Chatty Co")
    token = owner["token"]
    portal_name = api.portal_settings(token, notify_customer_on_comment=True, allow_forwarding=False)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    customer, email, portal_token = portal_customer(api, mail, token, unique, "Carl")
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json=invoice_body(customer))
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)

    staff_comment = api.json("POST", f"/api/v1/invoices/{invoice['id']}/comments", token, expect=201,
                             json={"text": "Thanks for your business!"})
    assert staff_comment["author"]["kind"] == "staff"
    emailed = mail.wait_for(email, subject_contains="comment")
    assert "Thanks for your business!" in body_text(emailed[-1])
    mine = api.json("POST", f"{base}/invoices/{invoice['id']}/comments", portal_token, expect=201,
                    json={"text": "Can we pay in two parts?"})
    assert mine["author"] == {"kind": "customer", "name": mine["author"]["name"]}
    thread = api.json("GET", f"/api/v1/invoices/{invoice['id']}/comments", token)["items"]
    assert [c["text"] for c in thread] == ["Thanks for your business!", "Can we pay in two parts?"]
    assert api.request("POST", f"{base}/invoices/{invoice['id']}/comments", portal_token,
                       json={"text": "x" * 5001}).status_code == 422

    forward = {"email": f"dora-{unique}@partner.test", "name": "Dora Partner"}
    refused = api.request("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token, json=forward)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forwarding_disabled"
    api.portal_settings(token, allow_forwarding=True)
    assert api.json("GET", f"{base}/me", portal_token)["portal"]["features"]["forwarding"] is True
    bad = api.request("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token,
                      json={"email": "not-an-email", "name": "X"})
    assert bad.status_code == 422
    done = api.json("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token, json=forward)
    assert done["forwarded"] is True and done["recipient"]["email"] == forward["email"]
    message = mail.wait_for(forward["email"])[-1]
    link = re.search(rf"https?://\S+/portal/{portal_name}/shared/([A-Za-z0-9_-]+)", body_text(message))
    assert link, body_text(message)
    shared = api.json("GET", f"{base}/shared/{link.group(1)}")  # no sign-in: the link is the key
    assert shared["number"] == invoice["number"] and shared["total"] == invoice["total"]
    assert api.request("GET", f"{base}/shared/not-a-token").status_code == 404
    contacts = api.json("GET", f"/api/v1/customers/{customer['id']}/contacts", token)["items"]
    assert forward["email"] in [c["email"] for c in contacts]


def test_projects_shown_only_when_allowed(api, new_org, mail, unique):
    owner = new_org("Hours Co")
    token = owner["token"]
    portal_name = api.portal_settings(token, show_projects=False)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    customer, email, portal_token = portal_customer(api, mail, token, unique, "Hugo")
    project = api.json("POST", "/api/v1/projects", token, expect=201, json={
        "customer_id": customer["id"], "name": "Relaunch", "description": "New site", "billing_method": "hourly",
        "hourly_rate": "80.00", "budget_hours": "40"})
    for hours, billed in (("2.5", True), ("1.25", False)):
        api.json("POST", f"/api/v1/projects/{project['id']}/time-entries", token, expect=201,
                 json={"date": "2026-11-20", "hours": hours, "description": "Work", "billable": True,
                       "billed": billed})
    assert api.request("POST", f"/api/v1/projects/{project['id']}/time-entries", token,
                       json={"date": "2026-11-20", "hours": "25", "billable": True}).status_code == 422
    hidden = api.request("GET", f"{base}/projects", portal_token)
    assert hidden.status_code == 403 and hidden.json()["error"]["code"] == "projects_hidden"
    api.portal_settings(token, show_projects=True)
    seen = api.json("GET", f"{base}/projects/{project['id']}", portal_token)
    assert (seen["logged_hours"], seen["billed_hours"], seen["unbilled_hours"]) == ("3.75", "2.5", "1.25")
    assert seen["billing_method"] == "hourly" and seen["name"] == "Relaunch"


def test_documents_are_isolated_between_customers_and_organizations(api, new_org, mail, unique):
    owner = new_org("Walls Co")
    token = owner["token"]
    portal_name = api.portal_settings(token)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    alice, _, alice_token = portal_customer(api, mail, token, unique, "Alice")
    bob, _, bob_token = portal_customer(api, mail, token, unique, "Bob")
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json=invoice_body(alice))
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    quote = api.json("POST", "/api/v1/quotes", token, expect=201, json={
        "customer_id": alice["id"], "line_items": [{"description": "X", "quantity": "1", "rate": "1.00"}]})
    api.json("POST", f"/api/v1/quotes/{quote['id']}/send", token)
    api.portal_settings(token, show_projects=True)
    project = api.json("POST", "/api/v1/projects", token, expect=201, json={
        "customer_id": alice["id"], "name": "Alice's site", "billing_method": "fixed_cost", "fixed_cost": "900.00"})
    entry = api.json("POST", f"/api/v1/projects/{project['id']}/time-entries", token, expect=201,
                     json={"date": "2026-11-20", "hours": "2", "billable": True})
    api.json("POST", "/api/v1/payments", token, expect=201, json={
        "customer_id": alice["id"], "invoice_id": invoice["id"], "amount": "10.00", "mode": "cash"})

    # Bob, a customer of the same organization, sees none of Alice's documents
    for method, path, body in [
            ("GET", f"{base}/invoices/{invoice['id']}", None),
            ("POST", f"{base}/invoices/{invoice['id']}/comments", {"text": "hi"}),
            ("GET", f"{base}/invoices/{invoice['id']}/comments", None),
            ("POST", f"{base}/invoices/{invoice['id']}/forward", {"email": "x@y.test", "name": "X"}),
            ("GET", f"{base}/quotes/{quote['id']}", None),
            ("POST", f"{base}/quotes/{quote['id']}/accept", {}),
            ("POST", f"{base}/quotes/{quote['id']}/decline", {"reason": "no"}),
            ("GET", f"{base}/projects/{project['id']}", None),
            ("GET", f"{base}/projects/{project['id']}/time-entries", None)]:
        response = api.request(method, path, bob_token, json=body)
        # another customer's document is not found; only forwarding may be refused first, as switched off
        assert response.status_code == 404 or (response.status_code, response.json()["error"]["code"]) == (
            403, "forwarding_disabled"), (path, response.status_code)
    paid = pay(api, base, bob_token, invoice["id"], "1.00", f"bob-{unique}")
    assert paid.status_code == 404
    for listing in ("invoices", "quotes", "payments", "projects"):
        assert api.json("GET", f"{base}/{listing}", bob_token)["total"] == 0, listing
    assert api.json("GET", f"{base}/summary", bob_token)["balance_due"] == "0.00"

    # another organization: 404 for every staff document route
    mallory = new_org("Mallory")["token"]
    for method, path, body in [
            ("GET", f"/api/v1/invoices/{invoice['id']}", None),
            ("PATCH", f"/api/v1/invoices/{invoice['id']}", {"notes": "mine now"}),
            ("DELETE", f"/api/v1/invoices/{invoice['id']}", None),
            ("POST", f"/api/v1/invoices/{invoice['id']}/send", None),
            ("POST", f"/api/v1/invoices/{invoice['id']}/void", None),
            ("GET", f"/api/v1/invoices/{invoice['id']}/comments", None),
            ("POST", f"/api/v1/invoices/{invoice['id']}/comments", {"text": "hi"}),
            ("GET", f"/api/v1/quotes/{quote['id']}", None),
            ("PATCH", f"/api/v1/quotes/{quote['id']}", {"notes": "mine now"}),
            ("DELETE", f"/api/v1/quotes/{quote['id']}", None),
            ("POST", f"/api/v1/quotes/{quote['id']}/send", None),
            ("POST", f"/api/v1/quotes/{quote['id']}/convert", None),
            ("GET", f"/api/v1/quotes/{quote['id']}/comments", None),
            ("POST", f"/api/v1/quotes/{quote['id']}/comments", {"text": "hi"}),
            ("GET", f"/api/v1/projects/{project['id']}", None),
            ("PATCH", f"/api/v1/projects/{project['id']}", {"name": "mine now"}),
            ("GET", f"/api/v1/projects/{project['id']}/time-entries", None),
            ("POST", f"/api/v1/projects/{project['id']}/time-entries", {"date": "2026-11-20", "hours": "1",
                                                                       "billable": True}),
            ("PATCH", f"/api/v1/projects/{project['id']}/time-entries/{entry['id']}", {"billed": True}),
            ("DELETE", f"/api/v1/projects/{project['id']}/time-entries/{entry['id']}", None),
            ("GET", f"/api/v1/customers/{alice['id']}/billing-summary", None)]:
        response = api.request(method, path, mallory, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
    for listing in ("invoices", "quotes", "payments", "projects"):
        assert api.json("GET", f"/api/v1/{listing}", mallory)["total"] == 0, listing
        assert api.json("GET", f"/api/v1/{listing}?customer_id={alice['id']}", mallory)["total"] == 0, listing
    assert api.request("POST", "/api/v1/invoices", mallory, json=invoice_body(alice)).status_code == 422
    pay_other = api.request("POST", "/api/v1/payments", mallory, json={
        "customer_id": alice["id"], "invoice_id": invoice["id"], "amount": "1.00", "mode": "cash"})
    assert pay_other.status_code in (404, 422)
    assert api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)["notes"] in (None, "")
    assert api.json("GET", f"/api/v1/projects/{project['id']}", token)["name"] == "Alice's site"
    assert api.json("GET", f"/api/v1/projects/{project['id']}/time-entries", token)["total"] == 1


def test_bad_input_is_refused_and_changes_nothing(api, new_org, unique):
    token = new_org("Strict Co")["token"]
    customer = api.create_customer(token, display_name="Careful")
    for body, field in [
            (invoice_body(customer, line_items=[{"description": "A", "quantity": "two", "rate": "1"}]), "line_items"),
            (invoice_body(customer, line_items=[]), "line_items"),
            (invoice_body(customer, due_date="2026-10-01"), "due_date"),
            (invoice_body(customer, date="31/12/2026"), "date"),
            (invoice_body(customer, notes="x" * 20001), "notes"),
            (invoice_body(customer, surprise=True), "surprise"),
            (invoice_body(customer, customer_id=str(uuid.uuid4())), "customer_id")]:
        response = api.request("POST", "/api/v1/invoices", token, json=body)
        assert response.status_code == 422, (field, response.text)
        fields = response.json()["error"].get("fields", {})
        assert any(key.split(".")[0] == field for key in fields), (field, response.json())
    assert api.json("GET", "/api/v1/invoices", token)["total"] == 0
