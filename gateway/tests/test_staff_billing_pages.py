"""Staff billing pages with the RPC layer faked: what they show, and the RPC calls their forms make."""
import re

import pytest

from portico_kit.errors import Conflict, Invalid, NotFound

from billing_samples import COMMENT, CUSTOMER, ENTRY, INVOICE, PAYMENT, PROJECT, QUOTE, SUMMARY, listing


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def staff(client, rpc):
    """A signed-in staff client with the billing answers the pages need."""
    rpc.on("accounts", "login", {"token": "good"})
    client.post("/app/login", data={"email": "o@a.test", "password": "x",
                                    "csrf_token": csrf_token(client, "/app/login")})
    rpc.on("customers", "list_customers", lambda *a: listing(CUSTOMER))
    rpc.on("customers", "get_customer", lambda actor, cid: dict(CUSTOMER, id=cid) if cid.startswith("cu-") else _gone())
    rpc.on("billing", "list_invoices", lambda *a: listing(INVOICE))
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE))
    rpc.on("billing", "get_quote", lambda actor, i, **kw: dict(QUOTE))
    rpc.on("billing", "list_comments", lambda *a: [COMMENT])
    rpc.on("portal", "get_preferences", {"reviews_enabled": True})
    client.token = csrf_token(client, "/app/invoices")
    return client


def _gone():
    raise NotFound(message="Customer not found.")


def test_a_chosen_customer_beyond_the_first_page_is_still_offered(staff, rpc):
    html = staff.get("/app/invoices/new?customer_id=cu-300").get_data(as_text=True)
    assert '<option value="cu-300" selected>' in html and rpc.called("customers", "get_customer")[-1][1] == "cu-300"
    assert staff.get("/app/invoices/new?customer_id=nobody").status_code == 200


def test_invoice_list_passes_the_filters_and_shows_money_and_status(staff, rpc):
    rpc.on("billing", "list_invoices", lambda *a: listing(dict(INVOICE, status="partially_paid")))
    html = staff.get("/app/invoices?status=overdue&customer_id=cu-1&search=INV&page=2").get_data(as_text=True)
    assert rpc.called("billing", "list_invoices")[-1][1:] == ("cu-1", "overdue", "INV", 2, 25)
    assert "INV-000001" in html and "€1,487.50" in html and "Partially paid" in html
    staff.get("/app/invoices?status=nonsense")
    assert rpc.called("billing", "list_invoices")[-1][2] is None


def test_a_refused_search_is_a_message_above_an_empty_list(staff, rpc):
    def refuse(*args):
        raise Invalid(code="invalid_search", message="Search for at most 200 characters.")
    rpc.on("billing", "list_invoices", refuse)
    response = staff.get("/app/invoices?search=" + "x" * 300)
    assert response.status_code == 422 and "Search for at most 200 characters." in response.get_data(as_text=True)


def test_new_invoice_posts_the_filled_lines_and_skips_blank_rows(staff, rpc):
    rpc.on("billing", "create_invoice", lambda actor, body: dict(INVOICE, id="inv-9", status="draft"))
    form = {"csrf_token": staff.token, "customer_id": "cu-1", "date": "2026-11-01", "due_date": "", "currency": "eur",
            "notes": "Net 14", "line_count": "3", "action": "save",
            "line_items.0.description": "Design", "line_items.0.quantity": "2", "line_items.0.rate": "100",
            "line_items.2.description": "Print", "line_items.2.quantity": "1", "line_items.2.rate": "50",
            "line_items.2.discount": "10", "line_items.2.tax_rate": "19"}
    response = staff.post("/app/invoices/new", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/invoices/inv-9")
    [(actor, body)] = rpc.called("billing", "create_invoice")
    assert body == {"customer_id": "cu-1", "notes": "Net 14", "date": "2026-11-01", "currency": "EUR",
                    "line_items": [{"description": "Design", "quantity": "2", "rate": "100"},
                                   {"description": "Print", "quantity": "1", "rate": "50", "discount": "10",
                                    "tax_rate": "19"}]}


def test_add_line_re_renders_with_one_more_row_and_calls_nothing(staff, rpc):
    response = staff.post("/app/invoices/new", data={"csrf_token": staff.token, "line_count": "3", "action": "add_line",
                                                     "line_items.0.description": "Kept"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="line_count" value="4"' in html
    assert 'name="line_items.3.description"' in html and 'value="Kept"' in html
    assert rpc.called("billing", "create_invoice") == []


def test_service_validation_errors_sit_next_to_their_fields(staff, rpc):
    def refuse(actor, body):
        raise Invalid(fields={"customer_id": "Unknown customer.", "line_items.0.quantity": "Not a valid number."})
    rpc.on("billing", "create_invoice", refuse)
    response = staff.post("/app/invoices/new", data={
        "csrf_token": staff.token, "customer_id": "zz", "line_count": "3", "action": "save",
        "line_items.1.description": "Only the second row", "line_items.1.quantity": "lots", "line_items.1.rate": "5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="customer_id-error">Unknown customer.' in html
    assert 'id="line_items.1.quantity-error">Not a valid number.' in html  # row 1 in the form, line 0 for the service
    assert 'value="lots"' in html


def test_forms_need_the_csrf_token(staff, rpc):
    response = staff.post("/app/invoices/inv-1/send")
    assert response.status_code == 400 and rpc.called("billing", "send_invoice") == []


def test_invoice_page_shows_totals_comments_and_actions(staff, rpc):
    html = staff.get("/app/invoices/inv-1").get_data(as_text=True)
    assert "€1,250.00" in html and "€237.50" in html and 'id="balance-due">€1,487.50' in html
    assert "When can we pay?" in html and "Record payment" in html and "Void" in html
    assert "/app/invoices/inv-1/print" in html


def test_actions_call_the_service_and_refusals_are_messages(staff, rpc):
    rpc.on("billing", "send_invoice", lambda actor, i: dict(INVOICE))
    response = staff.post("/app/invoices/inv-1/send", data={"csrf_token": staff.token}, follow_redirects=True)
    assert "Invoice sent." in response.get_data(as_text=True)

    def refuse(actor, i):
        raise Conflict(code="invoice_has_payments", message="This invoice has payments; it cannot be voided.")
    rpc.on("billing", "void_invoice", refuse)
    response = staff.post("/app/invoices/inv-1/void", data={"csrf_token": staff.token}, follow_redirects=True)
    assert response.status_code == 200 and "it cannot be voided" in response.get_data(as_text=True)


def test_void_and_delete_ask_first(staff, rpc):
    html = staff.get("/app/invoices/inv-1/void").get_data(as_text=True)
    assert "Void invoice INV-000001?" in html and "cannot be undone" in html
    assert rpc.called("billing", "void_invoice") == []
    assert "Delete quote QT-000001?" in staff.get("/app/quotes/qt-1/delete").get_data(as_text=True)
    assert staff.get("/app/quotes/qt-1/send").status_code == 302  # only irreversible actions have a page


def test_comment_is_added_and_an_empty_one_is_refused_next_to_the_field(staff, rpc):
    rpc.on("billing", "add_comment", lambda actor, t, i, data: COMMENT)
    staff.post("/app/invoices/inv-1/comments", data={"csrf_token": staff.token, "text": " Paid soon? "})
    assert rpc.called("billing", "add_comment")[-1][1:] == ("invoice", "inv-1", {"text": "Paid soon?"})

    def refuse(*args):
        raise Invalid(fields={"text": "Shorter than minimum length 1."})
    rpc.on("billing", "add_comment", refuse)
    response = staff.post("/app/invoices/inv-1/comments", data={"csrf_token": staff.token, "text": ""})
    assert response.status_code == 422
    assert 'id="comment-text-error">Shorter than minimum' in response.get_data(as_text=True)


def test_record_payment_defaults_to_the_balance_and_offers_a_review_only_when_enabled(staff, rpc):
    html = staff.get("/app/invoices/inv-1/payments/new").get_data(as_text=True)
    assert 'name="amount" type="text" value="1487.50"' in html and "Request a review" in html
    rpc.on("billing", "record_payment", lambda actor, body: dict(PAYMENT, amount=body["amount"]))
    response = staff.post("/app/invoices/inv-1/payments/new", data={
        "csrf_token": staff.token, "amount": "100.00", "date": "2026-11-03", "mode": "cheque", "reference": "CHQ 12",
        "request_review": "on"})
    assert response.status_code == 302
    assert rpc.called("billing", "record_payment")[-1][1] == {
        "customer_id": "cu-1", "invoice_id": "inv-1", "amount": "100.00", "mode": "cheque", "date": "2026-11-03",
        "reference": "CHQ 12", "request_review": True}
    rpc.on("portal", "get_preferences", {"reviews_enabled": False})
    assert "Request a review" not in staff.get("/app/invoices/inv-1/payments/new").get_data(as_text=True)


def test_overpayment_is_shown_on_the_amount(staff, rpc):
    def refuse(actor, body):
        raise Invalid(code="amount_exceeds_balance", message="The amount is more than the balance due.",
                      fields={"amount": "The amount is more than the balance due."})
    rpc.on("billing", "record_payment", refuse)
    response = staff.post("/app/invoices/inv-1/payments/new", data={"csrf_token": staff.token, "amount": "9999",
                                                                    "mode": "cash"})
    assert response.status_code == 422 and 'id="amount-error">The amount is more' in response.get_data(as_text=True)


def test_quote_page_shows_the_decline_reason_and_convert_goes_to_the_invoice(staff, rpc):
    rpc.on("billing", "get_quote", lambda actor, i, **kw: dict(QUOTE, status="declined", decline_reason="Too dear",
                                                         declined_at="2026-11-05T10:00:00Z"))
    html = staff.get("/app/quotes/qt-1").get_data(as_text=True)
    assert "Declined" in html and "Too dear" in html
    rpc.on("billing", "convert_quote", lambda actor, i: dict(INVOICE, id="inv-7"))
    response = staff.post("/app/quotes/qt-1/convert", data={"csrf_token": staff.token})
    assert response.headers["Location"].endswith("/app/invoices/inv-7")


def test_print_view_comes_from_the_documents_service(staff, rpc):
    rpc.on("documents", "render_html", lambda actor, kind, ref, params, back, pdf: {
        "html": "<p>INV-000001 9 Main Rd</p>", "title": "Invoice", "style_hashes": []})
    response = staff.get("/app/invoices/inv-1/print")
    assert "INV-000001 9 Main Rd" in response.get_data(as_text=True)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert rpc.called("documents", "render_html")[0][1:3] == ("invoice", "inv-1")


def test_projects_and_time_entries(staff, rpc):
    rpc.on("billing", "get_project", lambda actor, p: PROJECT)
    rpc.on("billing", "list_time_entries", lambda actor, p: [ENTRY])
    html = staff.get("/app/projects/pr-1").get_data(as_text=True)
    assert 'id="unbilled-hours">4.5 h' in html and "Sketches" in html and "Mark billed" in html
    assert "Hourly, €80.00 per hour" in html  # the rate in the organization's currency
    rpc.on("billing", "update_time_entry", lambda *a: dict(ENTRY, billed=True))
    staff.post("/app/projects/pr-1/time-entries/te-1/bill", data={"csrf_token": staff.token})
    assert rpc.called("billing", "update_time_entry")[-1][1:] == ("pr-1", "te-1", {"billed": True})
    rpc.on("billing", "create_project", lambda actor, body: dict(PROJECT, id="pr-2"))
    staff.post("/app/projects/new", data={"csrf_token": staff.token, "customer_id": "cu-1", "name": "Logo",
                                          "billing_method": "fixed_cost", "fixed_cost": "900", "hourly_rate": "80"})
    assert rpc.called("billing", "create_project")[-1][1] == {
        "customer_id": "cu-1", "name": "Logo", "description": "", "billing_method": "fixed_cost", "fixed_cost": "900"}


def test_customer_page_has_the_billing_panel(staff, rpc):
    rpc.on("customers", "get_customer", lambda actor, cid: CUSTOMER)
    rpc.on("portal", "get_portal_access", {"enabled": False, "contacts": []})
    rpc.on("reviews", "list_customer_requests", [])
    rpc.on("billing", "customer_summary", lambda actor, cid: SUMMARY)
    html = staff.get("/app/customers/cu-1").get_data(as_text=True)
    assert 'id="customer-balance">€1,487.50' in html and "1 overdue" in html
    assert "/app/invoices/new?customer_id=cu-1" in html and "/app/quotes/new?customer_id=cu-1" in html


def test_payments_list(staff, rpc):
    rpc.on("billing", "list_payments", lambda *a: listing(PAYMENT))
    html = staff.get("/app/payments").get_data(as_text=True)
    assert "Visa ···· 4242" in html and "€1,487.50" in html


def test_the_menu_highlights_only_the_billing_entry_of_the_page(staff, rpc):
    html = staff.get("/app/invoices/inv-1/payments/new").get_data(as_text=True)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    assert current == ["/app/invoices"]


def test_record_a_payment_starts_from_the_customers_unpaid_invoices(staff, rpc):
    assert "Show unpaid invoices" in staff.get("/app/payments/new").get_data(as_text=True)
    assert rpc.called("billing", "customer_summary") == []
    rpc.on("billing", "customer_summary", lambda actor, cid: SUMMARY)
    html = staff.get("/app/payments/new?customer_id=cu-1").get_data(as_text=True)
    assert "/app/invoices/inv-1/payments/new" in html and "Overdue" in html
