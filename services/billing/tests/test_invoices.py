"""Invoices: totals, numbering, defaults, statuses, editing rules, who sees what."""
from datetime import timedelta

import pytest

from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound

from .conftest import LINE, events_of, fire_together, new_invoice, org_today


def test_create_computes_per_line_totals_and_defaults(system):
    invoice = system.billing.create_invoice(system.staff, {"customer_id": "cust-1", "line_items": [
        {"description": "Hours", "quantity": "1.5", "rate": "33.33", "discount": "10", "tax_rate": "19"},
        {"description": "Licence", "quantity": "3", "rate": "0.05", "tax_rate": "7.5"},
    ], "notes": "Thanks"})
    # 1.5 × 33.33 × 0.9 = 44.9955 -> 45.00; tax 8.55. 3 × 0.05 = 0.15; tax 0.01125 -> 0.01
    assert [(li["amount"], li["tax_amount"]) for li in invoice["line_items"]] == [("45.00", "8.55"), ("0.15", "0.01")]
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == ("45.15", "8.56", "53.71")
    assert invoice["balance_due"] == "53.71" and invoice["amount_paid"] == "0.00"
    assert invoice["line_items"][0]["quantity"] == "1.5" and invoice["line_items"][0]["discount"] == "10"
    assert invoice["status"] == "draft" and invoice["type"] == "invoice"
    assert invoice["customer_name"] == "Bob's Bikes" and invoice["currency"] == "EUR"
    assert invoice["date"] == org_today().isoformat()
    assert invoice["due_date"] == (org_today() + timedelta(days=14)).isoformat()
    assert invoice["number"] == "INV-000001"


def test_currency_falls_back_to_the_organization_then_usd(system):
    assert new_invoice(system, "cust-2", send=False)["currency"] == "USD"
    system.state["organizations"]["org-1"] = "CHF"
    assert new_invoice(system, "cust-2", send=False)["currency"] == "CHF"
    assert new_invoice(system, "cust-2", send=False, currency="JPY")["currency"] == "JPY"


def test_numbers_are_a_sequence_per_organization(system):
    numbers = [new_invoice(system, send=False)["number"] for _ in range(3)]
    assert numbers == ["INV-000001", "INV-000002", "INV-000003"]
    other = system.billing.create_invoice(system.other_staff, {"customer_id": "cust-9", "line_items": [LINE]})
    assert other["number"] == "INV-000001"
    assert system.billing.create_quote(system.staff, {"customer_id": "cust-1", "line_items": [LINE]})["number"] \
        == "QT-000001"


@pytest.mark.parametrize("data, field", [
    ({"customer_id": "nobody", "line_items": [LINE]}, "customer_id"),
    ({"customer_id": "cust-1", "line_items": []}, "line_items"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, rate="1.005")]}, "line_items.0.rate"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, rate="-1")]}, "line_items.0.rate"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, quantity="NaN")]}, "line_items.0.quantity"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, quantity="Infinity")]}, "line_items.0.quantity"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, quantity=True)]}, "line_items.0.quantity"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, discount="101")]}, "line_items.0.discount"),
    ({"customer_id": "cust-1", "line_items": [dict(LINE, description="x" * 2001)]}, "line_items.0.description"),
    ({"customer_id": "cust-1", "line_items": [LINE], "colour": "red"}, "colour"),
    ({"customer_id": "cust-1", "line_items": [LINE], "currency": "EURO"}, "currency"),
    ({"customer_id": "cust-1", "line_items": [LINE], "date": "2026-02-30"}, "date"),
    ({"customer_id": "cust-1", "line_items": [LINE], "date": "2026-03-10", "due_date": "2026-03-01"}, "due_date"),
    ({"customer_id": 5, "line_items": [LINE]}, "customer_id"),
    ({"customer_id": "cust-1", "line_items": [LINE], "notes": "n" * 5001}, "notes"),
])
def test_bad_input_is_a_422_naming_the_field(system, data, field):
    with pytest.raises(Invalid) as err:
        system.billing.create_invoice(system.staff, data)
    assert field in err.value.fields, err.value.fields
    if field == "customer_id" and data["customer_id"] == "nobody":
        assert err.value.code == "unknown_customer"


def test_a_total_too_large_to_store_is_refused(system):
    with pytest.raises(Invalid) as err:
        system.billing.create_invoice(system.staff, {"customer_id": "cust-1", "line_items": [
            {"description": "x", "quantity": "99999999", "rate": "999999999999.99"}]})
    assert err.value.code == "amount_too_large"


def test_send_void_and_delete_rules(system):
    invoice = new_invoice(system, send=False)
    sent = system.billing.send_invoice(system.staff, invoice["id"])
    assert sent["status"] == "sent" and sent["sent_at"]
    [event] = events_of(system.received, "invoice_sent")
    assert event["data"] == {"invoice": {
        "id": invoice["id"], "number": "INV-000001", "customer_id": "cust-1", "date": sent["date"],
        "due_date": sent["due_date"], "total": "1190.00", "balance_due": "1190.00", "currency": "EUR",
        "status": "sent"}, "customer": {"id": "cust-1", "display_name": "Bob's Bikes"}}
    assert event["actor"]["kind"] == "staff" and event["org_id"] == "org-1"
    assert system.billing.send_invoice(system.staff, invoice["id"])["status"] == "sent"  # sent again
    events_of(system.received, "invoice_sent", count=2)
    with pytest.raises(Conflict) as err:
        system.billing.delete_invoice(system.staff, invoice["id"])
    assert err.value.code == "invoice_not_deletable"
    voided = system.billing.void_invoice(system.staff, invoice["id"])
    assert voided["status"] == "void" and voided["voided_at"]
    [event] = events_of(system.received, "invoice_voided")
    assert event["data"]["invoice"]["status"] == "void"
    with pytest.raises(Conflict) as err:
        system.billing.send_invoice(system.staff, invoice["id"])
    assert err.value.code == "invoice_not_sendable"
    with pytest.raises(Conflict) as err:
        system.billing.update_invoice(system.staff, invoice["id"], {"notes": "x"})
    assert err.value.code == "invoice_not_editable"
    assert system.billing.delete_invoice(system.staff, invoice["id"])["deleted"] is True
    with pytest.raises(NotFound):
        system.billing.get_invoice(system.staff, invoice["id"])
    draft = new_invoice(system, send=False)
    system.billing.delete_invoice(system.staff, draft["id"])


def test_overdue_is_computed_when_read_and_filters(system):
    past = (org_today() - timedelta(days=30)).isoformat()
    late = new_invoice(system, date=past, due_date=(org_today() - timedelta(days=1)).isoformat())
    current = new_invoice(system)
    assert late["status"] == "overdue" and current["status"] == "sent"
    overdue = system.billing.list_invoices(system.staff, status="overdue")
    assert [i["id"] for i in overdue["items"]] == [late["id"]]
    assert [i["id"] for i in system.billing.list_invoices(system.staff, status="sent")["items"]] == [current["id"]]
    system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": late["id"],
                                                 "amount": "100.00", "mode": "cash"})
    assert system.billing.get_invoice(system.staff, late["id"])["status"] == "overdue"  # partially paid, late
    with pytest.raises(Invalid):
        system.billing.list_invoices(system.staff, status="lost")


def test_an_edited_line_must_be_whole(system):
    invoice = new_invoice(system)
    with pytest.raises(Invalid) as err:
        system.billing.update_invoice(system.staff, invoice["id"], {"line_items": [{"description": "No price"}]})
    assert set(err.value.fields) == {"line_items.0.quantity", "line_items.0.rate"}
    assert system.billing.get_invoice(system.staff, invoice["id"])["total"] == invoice["total"]


def test_update_recomputes_and_guards_what_was_paid(system):
    invoice = new_invoice(system)
    system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                 "amount": "500.00", "mode": "bank_transfer"})
    with pytest.raises(Invalid) as err:
        system.billing.update_invoice(system.staff, invoice["id"], {"line_items": [
            {"description": "Small", "quantity": "1", "rate": "100.00"}]})
    assert err.value.code == "total_below_paid"
    updated = system.billing.update_invoice(system.staff, invoice["id"], {"line_items": [
        {"description": "Exact", "quantity": "5", "rate": "100.00"}]})
    assert (updated["total"], updated["balance_due"], updated["status"]) == ("500.00", "0.00", "paid")
    with pytest.raises(Conflict) as err:
        system.billing.update_invoice(system.staff, invoice["id"], {"notes": "late edit"})
    assert err.value.code == "invoice_not_editable"
    with pytest.raises(Conflict) as err:
        system.billing.void_invoice(system.staff, invoice["id"])
    assert err.value.code == "invoice_has_payments"


def test_list_search_pages_and_customer_filter(system):
    first = new_invoice(system, "cust-1")
    second = new_invoice(system, "cust-2")
    listing = system.billing.list_invoices(system.staff, per_page=1)
    assert listing["total"] == 2 and listing["per_page"] == 1 and [i["id"] for i in listing["items"]] == [second["id"]]
    assert [i["id"] for i in system.billing.list_invoices(system.staff, search="carla")["items"]] == [second["id"]]
    assert [i["id"] for i in system.billing.list_invoices(system.staff, search="000001")["items"]] == [first["id"]]
    assert [i["id"] for i in system.billing.list_invoices(system.staff, customer_id="cust-1")["items"]] == [first["id"]]
    assert system.billing.list_invoices(system.staff, search="100%")["total"] == 0


def test_customers_see_only_their_own_sent_invoices(system):
    draft = new_invoice(system, send=False)
    sent = new_invoice(system)
    theirs = new_invoice(system, "cust-2")
    mine = system.billing.list_invoices(system.me, customer_id="cust-2")
    assert [i["id"] for i in mine["items"]] == [sent["id"]]
    assert system.billing.get_invoice(system.me, sent["id"])["payments"] == []
    for invoice_id in (draft["id"], theirs["id"]):
        with pytest.raises(NotFound):
            system.billing.get_invoice(system.me, invoice_id)
    with pytest.raises(Forbidden):
        system.billing.create_invoice(system.me, {"customer_id": "cust-1", "line_items": [LINE]})
    with pytest.raises(Forbidden):
        system.billing.send_invoice(system.me, sent["id"])


def test_another_organization_gets_not_found_for_every_method(system):
    invoice = new_invoice(system)
    quote = system.billing.send_quote(system.staff, system.billing.create_quote(
        system.staff, {"customer_id": "cust-1", "line_items": [LINE]})["id"])
    staff, stranger = system.other_staff, system.stranger
    calls = [
        lambda: system.billing.get_invoice(staff, invoice["id"]),
        lambda: system.billing.update_invoice(staff, invoice["id"], {"notes": "x"}),
        lambda: system.billing.delete_invoice(staff, invoice["id"]),
        lambda: system.billing.send_invoice(staff, invoice["id"]),
        lambda: system.billing.void_invoice(staff, invoice["id"]),
        lambda: system.billing.get_quote(staff, quote["id"]),
        lambda: system.billing.update_quote(staff, quote["id"], {"notes": "x"}),
        lambda: system.billing.delete_quote(staff, quote["id"]),
        lambda: system.billing.send_quote(staff, quote["id"]),
        lambda: system.billing.convert_quote(staff, quote["id"]),
        lambda: system.billing.accept_quote(stranger, quote["id"], {}),
        lambda: system.billing.decline_quote(stranger, quote["id"], {}),
        lambda: system.billing.list_comments(staff, "invoice", invoice["id"]),
        lambda: system.billing.add_comment(staff, "invoice", invoice["id"], {"text": "hi"}),
        lambda: system.billing.add_comment(stranger, "quote", quote["id"], {"text": "hi"}),
        lambda: system.billing.record_payment(staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                      "amount": "1.00", "mode": "cash"}),
        lambda: system.billing.pay_invoice(stranger, invoice["id"], {"card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": org_today().year + 2, "cvc": "123"}}, "k1"),
        lambda: system.billing.forward_document(stranger, "invoice", invoice["id"],
                                                {"email": "x@y.test", "name": "X"}),
        lambda: system.billing.get_invoice(system.neighbour, invoice["id"]),
        lambda: system.billing.pay_invoice(system.neighbour, invoice["id"], {"card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": org_today().year + 2, "cvc": "123"}}, "k2"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert system.billing.list_invoices(staff)["total"] == 0
    assert system.billing.list_quotes(staff)["total"] == 0
    assert system.billing.list_payments(staff)["total"] == 0
    assert system.billing.get_invoice(system.staff, invoice["id"])["amount_paid"] == "0.00"


def test_numbers_stay_unique_when_invoices_are_created_at_once(make_system, db_url):
    system = make_system(db_url=db_url)
    create = lambda proxy: proxy.create_invoice(system.staff, {"customer_id": "cust-1", "line_items": [LINE]})  # noqa: E731
    results = fire_together(system, [create] * 6)
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["number"] for r in results) == [f"INV-{n:06d}" for n in range(1, 7)]


def test_a_number_that_is_not_one_says_what_to_type(system):
    """People read these next to the field: an example of what to type, not how it is parsed."""
    with pytest.raises(Invalid) as err:
        system.billing.create_invoice(system.staff, {"customer_id": "cust-1", "line_items": [
            dict(LINE, rate="twelve", quantity="a few", tax_rate="high")]})
    fields = err.value.fields
    assert fields["line_items.0.rate"] == "Enter an amount like 12.50."
    assert fields["line_items.0.quantity"] == "Enter a quantity like 2 or 1.5."
    assert fields["line_items.0.tax_rate"] == "Enter a percentage like 19 or 7.5."
    with pytest.raises(Invalid) as err:  # the other limits keep their own words
        system.billing.create_invoice(system.staff, {"customer_id": "cust-1", "line_items": [dict(LINE, rate="-1")]})
    assert err.value.fields["line_items.0.rate"] == "Must be 0 or more."
