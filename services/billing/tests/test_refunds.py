"""Refunds of payments staff recorded (no card processor): recorded, the invoice's balance grows back."""
import pytest

from portico_kit.errors import Forbidden, Invalid

from .conftest import events_of, new_invoice


def test_an_offline_payment_is_refunded_by_recording_it(system):
    invoice = new_invoice(system)  # 1190.00 EUR
    payment = system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                           "amount": "1190.00", "mode": "bank_transfer"})
    assert system.billing.get_invoice(system.staff, invoice["id"])["status"] == "paid"
    refund = system.billing.refund_payment(system.staff, payment["id"], {"amount": "90.00", "reason": "Overcharged"})
    assert (refund["amount"], refund["status"], refund["reason"]) == ("90.00", "succeeded", "Overcharged")
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["balance_due"], after["status"], after["amount_paid"]) == ("90.00", "partially_paid", "1100.00")
    with pytest.raises(Invalid) as err:
        system.billing.refund_payment(system.staff, payment["id"], {"amount": "1100.01"})
    assert err.value.code == "amount_exceeds_refundable"
    with pytest.raises(Invalid) as err:  # more decimals than the currency has
        system.billing.refund_payment(system.staff, payment["id"], {"amount": "1.001"})
    assert err.value.code == "invalid_amount"
    with pytest.raises(Forbidden):  # customers do not refund themselves
        system.billing.refund_payment(system.me, payment["id"], {"amount": "1.00"})
    [event] = events_of(system.received, "payment_refunded")
    assert event["data"]["customer"]["id"] == "cust-1" and event["data"]["refund"]["amount"] == "90.00"
    listed = system.billing.list_refunds(system.staff, payment_id=payment["id"])["items"]
    assert [r["id"] for r in listed] == [refund["id"]]
    assert system.billing.list_refunds(system.neighbour)["items"] == []  # another customer sees none
    statement = system.billing.get_statement(system.staff, "cust-1", "2000-01-01", None, "EUR")
    refund_lines = [line for line in statement["lines"] if line["kind"] == "refund"]
    assert [line["amount"] for line in refund_lines] == ["90.00"] and statement["closing_balance"] == "90.00"


def test_a_test_card_payment_is_refunded_in_the_sandbox_too(system):
    invoice = new_invoice(system)
    payment = system.billing.pay_invoice(system.me, invoice["id"], {"amount": "100.00", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}}, "refund-key")
    system.billing.refund_payment(system.staff, payment["id"], {"amount": "40.00"})
    assert [e["amount"] for e in system.ledger if e["type"] == "refund"] == ["40.00"]
    assert system.billing.get_invoice(system.staff, invoice["id"])["balance_due"] == "1130.00"


def test_a_refund_preview_answers_what_the_refund_would_do_and_changes_nothing(system):
    invoice = new_invoice(system)  # 1190.00 EUR
    payment = system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                           "amount": "500.00", "mode": "cash"})
    preview = system.billing.preview_refund(system.staff, payment["id"], {"amount": "20.00", "reason": "Gift"})
    assert preview == {"payment_id": payment["id"], "amount": "20.00", "currency": "EUR", "refundable": "500.00",
                       "through_stripe": False}
    assert system.billing.preview_refund(system.staff, payment["id"], {})["amount"] == "500.00"  # all of it
    assert system.billing.get_invoice(system.staff, invoice["id"])["balance_due"] == "690.00"
    assert system.billing.list_refunds(system.staff, payment_id=payment["id"])["items"] == []
    for amount, code in (("500.01", "amount_exceeds_refundable"), ("1.001", "invalid_amount"),
                         ("lots", "validation_failed")):
        with pytest.raises(Invalid) as err:
            system.billing.preview_refund(system.staff, payment["id"], {"amount": amount})
        assert err.value.code == code and "amount" in err.value.fields
    with pytest.raises(Forbidden):
        system.billing.preview_refund(system.me, payment["id"], {"amount": "1.00"})
    from portico_kit.errors import NotFound
    with pytest.raises(NotFound):
        system.billing.preview_refund(system.other_staff, payment["id"], {"amount": "1.00"})


def test_the_same_idempotency_key_refunds_once(system):
    invoice = new_invoice(system)  # 1190.00 EUR
    payment = system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                           "amount": "300.00", "mode": "cash"})
    first = system.billing.refund_payment(system.staff, payment["id"], {"amount": "50.00"}, "confirm-1")
    again = system.billing.refund_payment(system.staff, payment["id"], {"amount": "50.00"}, "confirm-1")
    assert again == first
    with pytest.raises(Invalid) as err:  # the same key for another amount
        system.billing.refund_payment(system.staff, payment["id"], {"amount": "60.00"}, "confirm-1")
    assert err.value.code == "idempotency_key_reused"
    other = system.billing.refund_payment(system.staff, payment["id"], {"amount": "50.00"}, "confirm-2")
    assert other["id"] != first["id"]
    assert system.billing.get_invoice(system.staff, invoice["id"])["balance_due"] == "990.00"
    assert len(system.billing.list_refunds(system.staff, payment_id=payment["id"])["items"]) == 2
