"""Quotes: send, expiry, accept/decline by the customer, conversion to an invoice."""
from datetime import timedelta

import pytest

from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound

from .conftest import LINE, events_of, new_quote, org_today


def test_create_defaults_and_send_event(system):
    quote = new_quote(system, send=False)
    assert quote["type"] == "quote" and quote["status"] == "draft" and quote["number"] == "QT-000001"
    assert quote["expiry_date"] == (org_today() + timedelta(days=30)).isoformat()
    assert quote["total"] == "1190.00" and quote["invoice_id"] is None
    sent = system.billing.send_quote(system.staff, quote["id"])
    assert sent["status"] == "sent"
    [event] = events_of(system.received, "quote_sent")
    assert event["data"] == {"quote": {
        "id": quote["id"], "number": "QT-000001", "customer_id": "cust-1", "date": quote["date"],
        "expiry_date": quote["expiry_date"], "total": "1190.00", "currency": "EUR", "status": "sent"},
        "customer": {"id": "cust-1", "display_name": "Bob's Bikes"}}


def test_customer_accepts_a_sent_quote_once(system):
    quote = new_quote(system)
    accepted = system.billing.accept_quote(system.me, quote["id"], {})
    assert accepted["status"] == "accepted" and accepted["accepted_at"]
    [event] = events_of(system.received, "quote_accepted")
    assert event["data"]["quote"]["status"] == "accepted" and event["actor"]["kind"] == "customer"
    assert set(event["data"]) == {"quote", "customer"}
    for answer in (system.billing.accept_quote, system.billing.decline_quote):
        with pytest.raises(Conflict) as err:
            answer(system.me, quote["id"], {})
        assert err.value.code == "quote_not_open"
    with pytest.raises(Conflict) as err:
        system.billing.update_quote(system.staff, quote["id"], {"notes": "x"})
    assert err.value.code == "quote_not_editable"


def test_customer_declines_with_a_reason(system):
    quote = new_quote(system)
    with pytest.raises(Invalid):
        system.billing.decline_quote(system.me, quote["id"], {"reason": "r" * 1001})
    declined = system.billing.decline_quote(system.me, quote["id"], {"reason": "Too expensive."})
    assert declined["status"] == "declined" and declined["decline_reason"] == "Too expensive."
    [event] = events_of(system.received, "quote_declined")
    assert event["data"]["reason"] == "Too expensive." and event["data"]["quote"]["status"] == "declined"
    with pytest.raises(Conflict) as err:
        system.billing.convert_quote(system.staff, quote["id"])
    assert err.value.code == "quote_not_convertible"


def test_an_expired_quote_is_computed_and_cannot_be_answered(system):
    past = (org_today() - timedelta(days=40)).isoformat()
    expired = new_quote(system, date=past, expiry_date=(org_today() - timedelta(days=1)).isoformat())
    open_quote = new_quote(system)
    assert expired["status"] == "expired"
    assert [q["id"] for q in system.billing.list_quotes(system.staff, status="expired")["items"]] == [expired["id"]]
    assert [q["id"] for q in system.billing.list_quotes(system.staff, status="sent")["items"]] == [open_quote["id"]]
    with pytest.raises(Conflict) as err:
        system.billing.accept_quote(system.me, expired["id"], {})
    assert err.value.code == "quote_not_open"


def test_drafts_are_invisible_to_customers_and_only_customers_answer(system):
    draft = new_quote(system, send=False)
    sent = new_quote(system)
    with pytest.raises(NotFound):
        system.billing.get_quote(system.me, draft["id"])
    with pytest.raises(NotFound):
        system.billing.accept_quote(system.me, draft["id"], {})
    assert [q["id"] for q in system.billing.list_quotes(system.me)["items"]] == [sent["id"]]
    with pytest.raises(NotFound):
        system.billing.get_quote(system.neighbour, sent["id"])
    with pytest.raises(Forbidden):
        system.billing.accept_quote(system.staff, sent["id"], {})


def test_convert_makes_a_draft_invoice_with_the_same_lines(system):
    lines = [LINE, {"description": "Travel", "quantity": "2", "rate": "45.50", "discount": "5"}]
    quote = new_quote(system, lines=lines)
    system.billing.accept_quote(system.me, quote["id"], {})
    invoice = system.billing.convert_quote(system.staff, quote["id"])
    assert invoice["status"] == "draft" and invoice["quote_id"] == quote["id"] and invoice["number"] == "INV-000001"
    strip = lambda items: [{k: v for k, v in i.items() if k != "id"} for i in items]  # noqa: E731
    assert strip(invoice["line_items"]) == strip(quote["line_items"])
    assert invoice["total"] == quote["total"]
    after = system.billing.get_quote(system.staff, quote["id"])
    assert after["status"] == "invoiced" and after["invoice_id"] == invoice["id"]
    with pytest.raises(Conflict) as err:
        system.billing.convert_quote(system.staff, quote["id"])
    assert err.value.code == "quote_not_convertible"
    with pytest.raises(Conflict) as err:
        system.billing.delete_quote(system.staff, quote["id"])
    assert err.value.code == "quote_not_deletable"
    # a sent quote converts too; a draft does not
    assert system.billing.convert_quote(system.staff, new_quote(system)["id"])["status"] == "draft"
    with pytest.raises(Conflict):
        system.billing.convert_quote(system.staff, new_quote(system, send=False)["id"])


def test_update_and_delete(system):
    quote = new_quote(system)
    updated = system.billing.update_quote(system.staff, quote["id"], {
        "line_items": [{"description": "Less", "quantity": "1", "rate": "10.00"}], "notes": "Revised"})
    assert updated["total"] == "10.00" and updated["notes"] == "Revised" and updated["status"] == "sent"
    with pytest.raises(Invalid):
        system.billing.update_quote(system.staff, quote["id"], {"expiry_date": "2000-01-01"})
    assert system.billing.delete_quote(system.staff, quote["id"])["deleted"] is True
    with pytest.raises(NotFound):
        system.billing.get_quote(system.staff, quote["id"])
