"""Portal billing pages with the RPC layer faked: the customer's forms make the right calls with the
customer actor, refusals are shown on the form, features hide what the organization turned off."""
import re

import pytest

from portico_kit.errors import Conflict, Gone, Invalid, NotFound, PaymentRequired

from billing_samples import COMMENT, CUSTOMER, ENTRY, INVOICE, PAYMENT, PROJECT, QUOTE, SUMMARY, listing

CUSTOMER_ACTOR = {"kind": "customer", "org_id": "org-1", "customer_id": "cu-1", "contact_id": "ct-1", "name": "Bob"}
PUBLIC = {"name": "acme", "organization_name": "Acme", "url": "http://portico.test/portal/acme"}


def portal_context(**features):
    flags = {"forwarding": False, "projects": False, "profile_edit": False, "reviews": False, **features}
    return {"actor": CUSTOMER_ACTOR, "contact": {"id": "ct-1", "email": "bob@bake.test", "name": "Bob"},
            "portal": dict(PUBLIC, banner_message="", features=flags)}


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def features():
    return {}


@pytest.fixture
def customer(client, rpc, features):
    """A client signed into the portal "acme" as Bob, with billing answers for his pages."""
    rpc.on("portal", "get_public_portal", lambda name: PUBLIC if name == "acme" else _missing())
    rpc.on("portal", "login", lambda name, body, client: {"token": "ptok"})
    rpc.on("portal", "resolve_session", lambda name, token: portal_context(**features))
    client.post("/portal/acme/login", data={"email": "bob@bake.test", "password": "x",
                                            "csrf_token": csrf_token(client, "/portal/acme/login")})
    rpc.on("billing", "list_invoices", lambda *a: listing(INVOICE))
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE))
    rpc.on("billing", "get_quote", lambda actor, i, **kw: dict(QUOTE))
    rpc.on("billing", "list_comments", lambda *a: [COMMENT])
    client.token = csrf_token(client, "/portal/acme/invoices")
    return client


def _missing():
    raise NotFound(message="Portal not found.")


def pay_form(client, **overrides):
    html = client.get("/portal/acme/invoices/inv-1").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    return dict({"csrf_token": client.token, "idempotency_key": key, "amount": "1487.50",
                 "card_number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2030", "cvc": "123"},
                **overrides)


def test_invoice_list_uses_the_customer_actor(customer, rpc):
    html = customer.get("/portal/acme/invoices").get_data(as_text=True)
    actor, customer_id, *rest = rpc.called("billing", "list_invoices")[-1]
    assert actor == CUSTOMER_ACTOR and customer_id is None
    assert "INV-000001" in html and "€1,487.50" in html


def test_invoice_page_has_a_pay_form_with_the_balance_and_a_fresh_key(customer, rpc):
    first = customer.get("/portal/acme/invoices/inv-1").get_data(as_text=True)
    second = customer.get("/portal/acme/invoices/inv-1").get_data(as_text=True)
    assert 'name="amount" type="text" value="1487.50"' in first and "Card number" in first
    key = re.compile(r'name="idempotency_key" value="([^"]+)"')
    assert key.search(first).group(1) != key.search(second).group(1)
    assert "When can we pay?" in first


def test_pay_passes_the_card_and_the_forms_key(customer, rpc):
    rpc.on("billing", "pay_invoice", lambda actor, i, data, key: dict(PAYMENT, amount=data["amount"]))
    form = pay_form(customer)
    response = customer.post("/portal/acme/invoices/inv-1/pay", data=form)
    assert response.status_code == 302
    [(actor, invoice_id, data, key)] = rpc.called("billing", "pay_invoice")
    assert actor == CUSTOMER_ACTOR and invoice_id == "inv-1" and key == form["idempotency_key"]
    assert data == {"amount": "1487.50", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030,
                                                   "cvc": "123"}}
    assert "Your payment of €1,487.50 was received" in customer.get(response.headers["Location"]).get_data(as_text=True)


def test_a_declined_card_is_a_message_on_the_form_and_the_card_is_not_echoed(customer, rpc):
    def decline(*args):
        raise PaymentRequired(code="card_declined", message="Your card was declined. Try another card.")
    rpc.on("billing", "pay_invoice", decline)
    response = customer.post("/portal/acme/invoices/inv-1/pay", data=pay_form(customer, card_number="4000000000000002"))
    html = response.get_data(as_text=True)
    assert response.status_code == 402 and "Your card was declined. Try another card." in html
    assert "4000000000000002" not in html


def test_malformed_card_errors_sit_next_to_the_card_fields(customer, rpc):
    def refuse(*args):
        raise Invalid(fields={"card.number": "Not a valid card number.", "card.exp_month": "Must be 1 to 12."})
    rpc.on("billing", "pay_invoice", refuse)
    html = customer.post("/portal/acme/invoices/inv-1/pay",
                         data=pay_form(customer, card_number="123", exp_month="13")).get_data(as_text=True)
    assert 'id="card_number-error">Not a valid card number.' in html and 'id="exp_month-error">Must be 1 to 12.' in html


def test_pay_without_a_key_charges_nothing(customer, rpc):
    form = pay_form(customer)
    del form["idempotency_key"]
    response = customer.post("/portal/acme/invoices/inv-1/pay", data=form)
    assert response.status_code == 400 and rpc.called("billing", "pay_invoice") == []


def test_pay_needs_the_csrf_token(customer, rpc):
    form = pay_form(customer)
    del form["csrf_token"]
    assert customer.post("/portal/acme/invoices/inv-1/pay", data=form).status_code == 400
    assert rpc.called("billing", "pay_invoice") == []


def test_forward_form_only_when_forwarding_is_on(customer, rpc):
    assert "Forward to someone" not in customer.get("/portal/acme/invoices/inv-1").get_data(as_text=True)
    response = customer.post("/portal/acme/invoices/inv-1/forward", data={"csrf_token": customer.token,
                                                                          "name": "Eve", "email": "eve@x.test"})
    assert response.status_code == 403 and rpc.called("billing", "forward_document") == []


@pytest.mark.parametrize("features", [{"forwarding": True}])
def test_forward_calls_the_service(customer, rpc):
    assert "Forward to someone" in customer.get("/portal/acme/quotes/qt-1").get_data(as_text=True)
    rpc.on("billing", "forward_document", lambda actor, t, i, data: {
        "forwarded": True, "recipient": dict(data, contact_id="ct-9"), "expires_at": "2026-12-25T00:00:00Z"})
    response = customer.post("/portal/acme/quotes/qt-1/forward", data={"csrf_token": customer.token,
                                                                       "name": "Eve", "email": "eve@x.test"})
    assert response.status_code == 302
    assert rpc.called("billing", "forward_document")[-1][1:] == ("quote", "qt-1",
                                                                  {"name": "Eve", "email": "eve@x.test"})


def test_accept_and_decline_a_quote(customer, rpc):
    html = customer.get("/portal/acme/quotes/qt-1").get_data(as_text=True)
    assert "Accept quote" in html and "Decline quote" in html
    rpc.on("billing", "accept_quote", lambda actor, q, data: dict(QUOTE, status="accepted"))
    asked = customer.post("/portal/acme/quotes/qt-1/accept", data={"csrf_token": customer.token})
    assert asked.status_code == 200 and rpc.called("billing", "accept_quote") == []  # one click asks first
    html = asked.get_data(as_text=True)
    assert "Accept quote QT-" in html and "Yes, accept the quote" in html and 'name="confirmed" value="1"' in html
    assert customer.post("/portal/acme/quotes/qt-1/accept", data={"csrf_token": customer.token,
                                                                  "confirmed": "1"}).status_code == 302
    assert rpc.called("billing", "accept_quote")[-1] == (CUSTOMER_ACTOR, "qt-1", {})

    def not_open(*args):
        raise Conflict(code="quote_not_open", message="This quote is no longer open.")
    rpc.on("billing", "decline_quote", not_open)
    asked = customer.post("/portal/acme/quotes/qt-1/decline", data={"csrf_token": customer.token,
                                                                    "reason": "Too dear"})
    html = asked.get_data(as_text=True)
    assert rpc.called("billing", "decline_quote") == [] and "Your reason: “Too dear”" in html
    assert '<input type="hidden" name="reason" value="Too dear">' in html  # the reason goes with the confirmation
    response = customer.post("/portal/acme/quotes/qt-1/decline", data={"csrf_token": customer.token,
                                                                       "reason": "Too dear", "confirmed": "1"})
    assert response.status_code == 409 and "This quote is no longer open." in response.get_data(as_text=True)
    assert rpc.called("billing", "decline_quote")[-1][2] == {"reason": "Too dear"}


def test_no_answer_buttons_once_a_quote_is_decided(customer, rpc):
    rpc.on("billing", "get_quote", lambda actor, q, **kw: dict(QUOTE, status="declined", decline_reason="Too dear"))
    html = customer.get("/portal/acme/quotes/qt-1").get_data(as_text=True)
    assert "Accept quote" not in html and "Too dear" in html


def test_projects_are_403_when_hidden(customer, rpc):
    assert customer.get("/portal/acme/projects").status_code == 403
    assert rpc.called("billing", "list_projects") == []
    assert ">Projects</a>" not in customer.get("/portal/acme/invoices").get_data(as_text=True)


@pytest.mark.parametrize("features", [{"projects": True}])
def test_projects_when_shown(customer, rpc):
    rpc.on("billing", "list_projects", lambda *a: listing(PROJECT))
    rpc.on("billing", "get_project", lambda actor, p: PROJECT)
    rpc.on("billing", "list_time_entries", lambda actor, p: [ENTRY])
    assert "New shop front" in customer.get("/portal/acme/projects").get_data(as_text=True)
    html = customer.get("/portal/acme/projects/pr-1").get_data(as_text=True)
    assert 'id="unbilled-hours">4.5 h' in html and 'id="billed-hours">8 h' in html and "Sketches" in html


def test_home_panel_and_payments(customer, rpc):
    rpc.on("customers", "get_customer", lambda actor, cid: CUSTOMER)
    rpc.on("billing", "customer_summary", lambda actor: SUMMARY)
    html = customer.get("/portal/acme/").get_data(as_text=True)
    assert 'id="home-balance">€1,487.50' in html and "Quotes waiting for your answer" in html
    rpc.on("billing", "list_payments", lambda *a: listing(PAYMENT))
    assert "Visa ···· 4242" in customer.get("/portal/acme/payments").get_data(as_text=True)


def test_shared_document_needs_no_sign_in_and_says_when_it_expired(client, rpc):
    rpc.on("portal", "get_public_portal", lambda name: PUBLIC)
    rpc.on("billing", "get_shared_document", lambda name, token: dict(INVOICE, organization_id="org-1"))
    html = client.get("/portal/acme/shared/tok-1").get_data(as_text=True)
    assert "INV-000001" in html and "Pay now" not in html and "Add comment" not in html

    def expired(*args):
        raise Gone(code="link_expired", message="This link has expired.")
    rpc.on("billing", "get_shared_document", expired)
    response = client.get("/portal/acme/shared/tok-1")
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)


def test_a_payment_refused_because_the_invoice_was_paid_meanwhile_still_says_why(customer, rpc):
    form = pay_form(customer)
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE, status="paid", balance_due="0.00"))

    def not_payable(*args):
        raise Conflict(code="invoice_not_payable", message="This invoice cannot be paid: it is paid.")
    rpc.on("billing", "pay_invoice", not_payable)
    response = customer.post("/portal/acme/invoices/inv-1/pay", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "cannot be paid: it is paid." in html and "Paid in full" in html


def test_print_view_is_the_documents_html_with_only_its_own_style(customer, rpc):
    rpc.on("documents", "render_html", lambda actor, kind, ref, params, back, pdf: {
        "html": "<html><style>p{}</style><p>INV-000001 Acme Design</p></html>", "title": "Invoice INV-000001",
        "style_hashes": ["sha256-abc="]})
    response = customer.get(f"/portal/acme/invoices/{INVOICE['id']}/print")
    assert response.status_code == 200 and "INV-000001 Acme Design" in response.get_data(as_text=True)
    assert "style-src 'sha256-abc='" in response.headers["Content-Security-Policy"]
    actor, kind, ref, params, back, pdf = rpc.called("documents", "render_html")[0]
    assert actor["kind"] == "customer" and (kind, ref) == ("invoice", INVOICE["id"])
    assert back.endswith(f"/portal/acme/invoices/{INVOICE['id']}") and pdf.endswith("/pdf")


def test_pdf_download_names_the_file_after_the_document(customer, rpc):
    import base64
    rpc.on("documents", "render_pdf", lambda actor, kind, ref, params: {
        "filename": "INV-000001.pdf", "content_base64": base64.b64encode(b"%PDF-1.7 test").decode()})
    response = customer.get(f"/portal/acme/invoices/{INVOICE['id']}/pdf")
    assert response.status_code == 200 and response.data == b"%PDF-1.7 test"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="INV-000001.pdf"'


def test_the_stripe_form_offers_what_a_card_can_pay_and_lists_the_other_ways(customer, rpc):
    rpc.on("billing", "payment_config", lambda actor: {"provider": "stripe", "publishable_key": "pk_test_x",
                                                       "js_url": "https://js.stripe.test/v3/"})
    rpc.on("billing", "list_payment_methods", lambda actor: {"items": []})
    rpc.on("accounts", "get_letterhead", lambda actor: {"payment_instructions": "IBAN KW81 CBKU 0000\nCash"})
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE, currency="KWD", balance_due="30.375"))
    html = customer.get("/portal/acme/invoices/inv-1").get_data(as_text=True)
    # Stripe takes KWD in steps of 0.010: the form offers 30.370, the last 0.005 goes another way
    assert 'name="amount" type="text" value="30.370"' in html
    assert "Cards pay KWD in steps of 0.010: the last KWD\xa00.005 can be paid another way." in html
    assert 'id="other-ways"' in html and "IBAN KW81 CBKU 0000\nCash" in html
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE, currency="EUR", balance_due="12.50"))
    html = customer.get("/portal/acme/invoices/inv-1").get_data(as_text=True)
    assert 'name="amount" type="text" value="12.50"' in html and "steps of" not in html
