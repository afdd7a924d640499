"""Statements of account over the real service, and "viewed" tracking."""
import pytest

from portico_kit.errors import Invalid, NotFound

from .conftest import events_of, new_invoice, new_quote

LINES = [{"description": "Work", "quantity": "1", "rate": "100.00"}]


def test_statement_in_one_currency_with_running_balance_and_ageing(system):
    october = new_invoice(system, lines=LINES, date="2026-10-05", due_date="2026-10-10")
    november = new_invoice(system, lines=[{"description": "More", "quantity": "2", "rate": "50.00"}],
                           date="2026-11-03", due_date="2026-11-30")
    new_invoice(system, lines=LINES, date="2026-11-04", send=False)  # a draft is not owed
    new_invoice(system, lines=LINES, currency="USD", date="2026-11-05")  # another currency
    system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": october["id"],
                                                 "amount": "40.00", "date": "2026-11-10", "mode": "cash"})
    statement = system.billing.get_statement(system.staff, "cust-1", "2026-11-01", "2026-11-30", "EUR")
    assert (statement["opening_balance"], statement["invoiced"], statement["paid"], statement["refunded"],
            statement["closing_balance"]) == ("100.00", "100.00", "40.00", "0.00", "160.00")
    assert [(line["kind"], line["number"], line["amount"], line["balance"]) for line in statement["lines"]] == [
        ("invoice", november["number"], "100.00", "200.00"), ("payment", october["number"], "-40.00", "160.00")]
    assert statement["ageing"] == {"current": "100.00", "1_30": "0.00", "31_60": "60.00", "61_90": "0.00",
                                   "over_90": "0.00"}
    assert statement["currencies"] == ["EUR", "USD"]
    assert system.billing.get_statement(system.me, None, "2026-11-01", "2026-11-30", "EUR") == statement
    assert system.billing.get_statement(system.me, None, "2026-11-01", "2026-11-30", "USD")["closing_balance"] == "100.00"
    assert system.billing.get_statement(system.neighbour, "cust-1", "2026-11-01", "2026-11-30")["lines"] == []
    assert system.billing.get_statement(system.other_staff, "cust-1", "2026-11-01", "2026-11-30")["lines"] == []
    with pytest.raises(Invalid) as refused:
        system.billing.get_statement(system.staff, "cust-1", "2026-12-01", "2026-11-01")
    assert refused.value.code == "invalid_period"


def test_customer_views_are_counted_and_the_first_is_an_event(system):
    invoice = new_invoice(system)
    quote = new_quote(system)
    system.billing.get_invoice(system.staff, invoice["id"], view="page")  # staff never count
    system.billing.get_invoice(system.me, invoice["id"])                  # nor a read that is not a view
    assert system.billing.get_invoice(system.staff, invoice["id"])["view_count"] == 0
    first = system.billing.get_invoice(system.me, invoice["id"], view="page")
    assert first["view_count"] == 1 and first["viewed_by"]["name"] == "Bob Baker"
    again = system.billing.get_invoice(system.me, invoice["id"], view="api")
    assert again["view_count"] == 2 and again["viewed_at"] == first["viewed_at"]
    assert again["last_viewed_at"] >= first["last_viewed_at"]
    system.billing.get_quote(system.me, quote["id"], view="pdf")
    [viewed] = events_of(system.received, "invoice_viewed")
    assert viewed["data"]["invoice"]["id"] == invoice["id"] and viewed["data"]["view"]["channel"] == "page"
    assert viewed["actor"]["kind"] == "customer"
    assert events_of(system.received, "quote_viewed")[0]["data"]["quote"]["id"] == quote["id"]
    assert len([e for e in system.received if e["event_type"] == "invoice_viewed"]) == 1
    listed = system.billing.list_invoices(system.staff)["items"]
    assert [i["view_count"] for i in listed if i["id"] == invoice["id"]] == [2]
    with pytest.raises(NotFound):
        system.billing.get_invoice(system.neighbour, invoice["id"], view="page")
    with pytest.raises(Invalid):
        system.billing.get_invoice(system.me, invoice["id"], view="telepathy")
