"""customer_summary and count_customer_documents."""
from datetime import timedelta

import pytest

from portico_kit.errors import Forbidden, Invalid

from .conftest import new_invoice, new_quote, org_today


def test_customer_summary_for_staff_and_customer(system):
    late = new_invoice(system, date=(org_today() - timedelta(days=20)).isoformat(),
                       due_date=(org_today() - timedelta(days=2)).isoformat())
    current = new_invoice(system)
    new_invoice(system, send=False)  # a draft: not owed yet, and invisible to the customer
    system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": current["id"],
                                                 "amount": "190.00", "mode": "cash"})
    open_quote = new_quote(system)
    new_quote(system, send=False)
    usd = new_invoice(system, currency="USD", lines=[{"description": "x", "quantity": "1", "rate": "5.00"}])
    mine = system.billing.customer_summary(system.me)
    assert mine["currency"] == "EUR"
    assert mine["balance_due"] == "2190.00" and mine["balances"] == {"EUR": "2190.00", "USD": "5.00"}
    assert (mine["overdue_count"], mine["overdue_total"]) == (1, "1190.00")
    assert mine["open_quotes_count"] == 1 and [q["id"] for q in mine["open_quotes"]] == [open_quote["id"]]
    assert {i["id"] for i in mine["unpaid_invoices"]} == {late["id"], current["id"], usd["id"]}
    assert len(mine["recent"]) == 4 and {r["type"] for r in mine["recent"]} == {"invoice", "quote"}
    assert set(mine["recent"][0]) == {"type", "id", "number", "status", "total", "currency", "date"}
    staff_view = system.billing.customer_summary(system.staff, "cust-1")
    assert staff_view["balance_due"] == "2190.00" and len(staff_view["recent"]) == 6
    with pytest.raises(Invalid):
        system.billing.customer_summary(system.staff)
    empty = system.billing.customer_summary(system.neighbour)
    assert empty["balance_due"] == "0.00" and empty["recent"] == [] and empty["currency"] == "USD"
    system.state["organizations"]["org-1"] = "CHF"
    assert system.billing.customer_summary(system.neighbour)["currency"] == "CHF"
    assert system.billing.customer_summary(system.staff, "nobody")["currency"] == "CHF"


def test_count_customer_documents(system):
    assert system.billing.count_customer_documents(system.staff, "cust-1") == {
        "invoices": 0, "quotes": 0, "payments": 0, "projects": 0}
    invoice = new_invoice(system)
    new_invoice(system, send=False)
    new_quote(system, send=False)
    system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                 "amount": "1.00", "mode": "cash"})
    system.billing.create_project(system.staff, {"customer_id": "cust-1", "name": "P", "billing_method": "fixed_cost",
                                                 "fixed_cost": "10.00"})
    assert system.billing.count_customer_documents(system.staff, "cust-1") == {
        "invoices": 2, "quotes": 1, "payments": 1, "projects": 1}
    assert system.billing.count_customer_documents(system.staff, "cust-2") == {
        "invoices": 0, "quotes": 0, "payments": 0, "projects": 0}
    assert system.billing.count_customer_documents(system.other_staff, "cust-1")["invoices"] == 0
    with pytest.raises(Forbidden):
        system.billing.count_customer_documents(system.me, "cust-1")
