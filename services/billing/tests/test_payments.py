"""Payments: staff records, card payments in the portal, and idempotency under concurrency."""
import os
from datetime import date, timedelta
from decimal import Decimal

import eventlet
import pytest
from sqlalchemy import create_engine, func, select, update as sql_update
from sqlalchemy.orm import Session

from portico_kit.errors import Conflict, Invalid, NotFound, PaymentRequired
from portico_kit.timeutil import utcnow

from billing.models import Payment, PaymentAttempt
from billing.payments import fingerprint
from billing.processor import TestProcessor

from .conftest import events_of, fire_together, new_invoice

YEAR = date.today().year + 2
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": YEAR, "cvc": "123"}
MASTERCARD = {"number": "5555 5555 5555 4444", "exp_month": 1, "exp_year": YEAR, "cvc": "1234"}
DECLINED = {"number": "4000000000000002", "exp_month": 12, "exp_year": YEAR, "cvc": "123"}


def charges(system):
    return [entry for entry in system.ledger if entry["type"] == "charge"]


def test_record_payment_moves_balance_and_status_and_publishes(system):
    invoice = new_invoice(system)  # 1190.00
    payment = system.billing.record_payment(system.staff, {
        "customer_id": "cust-1", "invoice_id": invoice["id"], "amount": "190.00", "mode": "cheque",
        "reference": "CHQ 17", "request_review": True, "date": "2026-11-01"})
    assert payment["amount"] == "190.00" and payment["source"] == "staff" and payment["card"] is None
    assert payment["invoice_number"] == invoice["number"] and payment["customer_name"] == "Bob's Bikes"
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["amount_paid"], after["balance_due"], after["status"]) == ("190.00", "1000.00", "partially_paid")
    assert [p["id"] for p in after["payments"]] == [payment["id"]]
    [event] = events_of(system.received, "payment_recorded")
    assert event["data"] == {
        "payment": {"id": payment["id"], "invoice_id": invoice["id"], "customer_id": "cust-1", "amount": "190.00",
                    "currency": "EUR", "date": "2026-11-01", "mode": "cheque", "reference": "CHQ 17",
                    "source": "staff"},
        "invoice": {"id": invoice["id"], "number": invoice["number"], "total": "1190.00",
                    "balance_due": "1000.00", "currency": "EUR", "status": "partially_paid"},
        "customer": {"id": "cust-1", "display_name": "Bob's Bikes"}, "request_review": True}
    with pytest.raises(Invalid) as err:
        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                     "amount": "1000.01", "mode": "cash"})
    assert err.value.code == "amount_exceeds_balance" and "amount" in err.value.fields
    system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                 "amount": "1000.00", "mode": "cash"})
    paid = system.billing.get_invoice(system.staff, invoice["id"])
    assert (paid["balance_due"], paid["status"]) == ("0.00", "paid")
    with pytest.raises(Conflict) as err:
        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                     "amount": "1.00", "mode": "cash"})
    assert err.value.code == "invoice_not_payable"
    listing = system.billing.list_payments(system.staff, customer_id="cust-1")
    assert listing["total"] == 2
    assert system.billing.list_payments(system.me)["total"] == 2
    assert system.billing.list_payments(system.neighbour)["total"] == 0


def test_a_recorded_payment_retried_with_the_same_key_is_recorded_once(system):
    """Its first answer may be lost (a broker restart, a timeout) after billing recorded it: the
    retry with the client's Idempotency-Key answers that payment instead of recording a second."""
    invoice = new_invoice(system)  # 1190.00
    body = {"customer_id": "cust-1", "invoice_id": invoice["id"], "amount": "100.00", "mode": "cash"}
    first = system.billing.record_payment(system.staff, body, "pay-1")
    again = system.billing.record_payment(system.staff, body, "pay-1")
    assert again == first
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert after["balance_due"] == "1090.00" and [p["id"] for p in after["payments"]] == [first["id"]]
    assert len(events_of(system.received, "payment_recorded")) == 1
    other = system.billing.record_payment(system.staff, body, "pay-2")  # another key: another payment
    unkeyed = system.billing.record_payment(system.staff, body)
    assert len({first["id"], other["id"], unkeyed["id"]}) == 3
    assert system.billing.get_invoice(system.staff, invoice["id"])["balance_due"] == "890.00"
    assert "request_key" not in first


@pytest.mark.parametrize("data, field", [
    ({"amount": "0", "mode": "cash"}, "amount"),
    ({"amount": "-5.00", "mode": "cash"}, "amount"),
    ({"amount": "1.001", "mode": "cash"}, "amount"),
    ({"amount": "1.00", "mode": "barter"}, "mode"),
    ({"amount": "1.00", "mode": "cash", "request_review": "yes"}, "request_review"),
    ({"amount": "1.00", "mode": "cash", "reference": "r" * 201}, "reference"),
])
def test_record_payment_bad_input(system, data, field):
    invoice = new_invoice(system)
    with pytest.raises(Invalid) as err:
        system.billing.record_payment(system.staff, dict(data, customer_id="cust-1", invoice_id=invoice["id"]))
    assert field in err.value.fields


def test_draft_void_or_another_customers_invoice_is_not_payable(system):
    draft = new_invoice(system, send=False)
    with pytest.raises(Conflict) as err:
        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": draft["id"],
                                                     "amount": "1.00", "mode": "cash"})
    assert err.value.code == "invoice_not_payable"
    with pytest.raises(NotFound):
        system.billing.record_payment(system.staff, {"customer_id": "cust-2", "invoice_id": draft["id"],
                                                     "amount": "1.00", "mode": "cash"})
    with pytest.raises(NotFound):  # a draft does not exist for the customer
        system.billing.pay_invoice(system.me, draft["id"], {"card": VISA}, "key-draft")


def test_pay_invoice_approves_and_keeps_only_brand_and_last4(system):
    invoice = new_invoice(system)
    payment = system.billing.pay_invoice(system.me, invoice["id"], {"amount": "190.00", "card": VISA}, "key-1")
    assert payment["card"] == {"brand": "visa", "last4": "4242"} and payment["mode"] == "card"
    assert payment["source"] == "portal" and payment["amount"] == "190.00"
    rest = system.billing.pay_invoice(system.me, invoice["id"], {"card": MASTERCARD}, "key-2")
    assert rest["amount"] == "1000.00" and rest["card"] == {"brand": "mastercard", "last4": "4444"}
    assert system.billing.get_invoice(system.me, invoice["id"])["status"] == "paid"
    [first, second] = events_of(system.received, "payment_recorded", count=2)
    assert first["data"]["payment"]["source"] == "portal" and first["data"]["request_review"] is False
    assert first["actor"]["kind"] == "customer" and first["actor"]["customer_id"] == "cust-1"
    engine = create_engine(system.config["DATABASE_URL"])
    with engine.connect() as conn:
        stored = [tuple(row) for row in conn.execute(select(Payment.card_brand, Payment.card_last4))]
    assert sorted(stored) == [("mastercard", "4444"), ("visa", "4242")]


def test_declined_card_is_402_and_the_same_key_stays_declined(system):
    invoice = new_invoice(system)
    for _ in range(2):
        with pytest.raises(PaymentRequired) as err:
            system.billing.pay_invoice(system.me, invoice["id"], {"card": DECLINED}, "key-d")
        assert err.value.code == "card_declined"
    assert charges(system) == []
    assert system.billing.get_invoice(system.me, invoice["id"])["balance_due"] == "1190.00"
    # a new key may try another card
    assert system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-d2")["amount"] == "1190.00"


@pytest.mark.parametrize("card, field", [
    (dict(VISA, number="4242424242424241"), "card.number"),
    (dict(VISA, number="abcd"), "card.number"),
    (dict(VISA, exp_month=13), "card.exp_month"),
    (dict(VISA, exp_year=2020), "card.exp_year"),
    (dict(VISA, cvc="12"), "card.cvc"),
    (dict(VISA, cvc="12a"), "card.cvc"),
])
def test_malformed_card_is_422_invalid_card_and_does_not_use_the_key(system, card, field):
    invoice = new_invoice(system)
    with pytest.raises(Invalid) as err:
        system.billing.pay_invoice(system.me, invoice["id"], {"card": card}, "key-m")
    assert err.value.code == "invalid_card" and field in err.value.fields
    assert system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-m")["amount"] == "1190.00"


@pytest.mark.parametrize("data", [
    {"card": dict(VISA, exp_month="12")}, {"card": VISA, "amount": "1.001"}, {"card": VISA, "tip": "5"},
    {"amount": "5.00"}, {"card": "4242424242424242"},
])
def test_pay_invoice_wrong_shapes_are_422(system, data):
    invoice = new_invoice(system)
    with pytest.raises(Invalid):
        system.billing.pay_invoice(system.me, invoice["id"], data, "key-s")


def test_pay_invoice_needs_a_key_and_checks_the_balance(system):
    invoice = new_invoice(system)
    for key in (None, "", "k" * 256, 17):
        with pytest.raises(Invalid) as err:
            system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, key)
        assert err.value.code == "idempotency_key_required"
    with pytest.raises(Invalid) as err:
        system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA, "amount": "1190.01"}, "key-b")
    assert err.value.code == "amount_exceeds_balance"
    assert charges(system) == []


def test_the_same_key_returns_the_same_payment_and_another_use_is_409(system):
    invoice = new_invoice(system)
    other = new_invoice(system)
    first = system.billing.pay_invoice(system.me, invoice["id"], {"amount": "10.00", "card": VISA}, "key-r")
    again = system.billing.pay_invoice(system.me, invoice["id"], {"amount": "10.00", "card": VISA}, "key-r")
    assert again == first and len(charges(system)) == 1
    for invoice_id, amount in ((invoice["id"], "11.00"), (other["id"], "10.00")):
        with pytest.raises(Conflict) as err:
            system.billing.pay_invoice(system.me, invoice_id, {"amount": amount, "card": VISA}, "key-r")
        assert err.value.code == "idempotency_key_reused"
    # keys are per customer: the neighbour's "key-r" is its own
    theirs = new_invoice(system, "cust-2")
    assert system.billing.pay_invoice(system.neighbour, theirs["id"], {"amount": "10.00", "card": VISA},
                                      "key-r")["id"] != first["id"]
    assert system.billing.get_invoice(system.staff, invoice["id"])["amount_paid"] == "10.00"


@pytest.fixture
def slow_charges(make_system, db_url):
    """SQLite and PostgreSQL, with charges slow enough that two requests overlap."""
    return make_system(db_url=db_url, PAYMENT_TEST_DELAY=0.5)


def test_the_same_payment_fired_twice_at_once_charges_once(slow_charges):
    system = slow_charges
    invoice = new_invoice(system)
    pay = lambda proxy: proxy.pay_invoice(system.me, invoice["id"], {"card": VISA}, "double-click")  # noqa: E731
    first, second = fire_together(system, [pay, pay])
    assert isinstance(first, dict) and isinstance(second, dict), (first, second)
    assert first == second
    assert len(charges(system)) == 1
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["amount_paid"], after["balance_due"], after["status"]) == ("1190.00", "0.00", "paid")
    assert len(after["payments"]) == 1
    engine = create_engine(system.config["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(PaymentAttempt)) == 1
    engine.dispose()


def test_two_keys_racing_for_one_balance_never_overpay_and_refund_the_loser(slow_charges):
    system = slow_charges
    invoice = new_invoice(system)
    calls = [lambda proxy, key=key: proxy.pay_invoice(system.me, invoice["id"], {"card": VISA}, key)
             for key in ("race-a", "race-b")]
    results = fire_together(system, calls)
    payments = [r for r in results if isinstance(r, dict)]
    failures = [r for r in results if not isinstance(r, dict)]
    assert len(payments) == 1 and len(failures) == 1, results
    assert isinstance(failures[0], (Invalid, Conflict)) and "refunded" in failures[0].message
    refunds = [e for e in system.ledger if e["type"] == "refund"]
    assert len(charges(system)) == 2 and len(refunds) == 1
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["amount_paid"], after["balance_due"]) == ("1190.00", "0.00")
    # the loser's key keeps answering with its error
    loser_key = "race-a" if results[0] is failures[0] else "race-b"
    with pytest.raises(type(failures[0])):
        system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, loser_key)


def test_staff_payments_at_once_never_overpay(make_system, db_url):
    system = make_system(db_url=db_url)
    invoice = new_invoice(system)  # 1190.00
    record = lambda proxy: proxy.record_payment(system.staff, {  # noqa: E731
        "customer_id": "cust-1", "invoice_id": invoice["id"], "amount": "700.00", "mode": "cash"})
    results = fire_together(system, [record] * 4)
    assert len([r for r in results if isinstance(r, dict)]) == 1, results
    assert all(isinstance(r, Invalid) and r.code == "amount_exceeds_balance" for r in results if not isinstance(r, dict))
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["amount_paid"], after["balance_due"], after["status"]) == ("700.00", "490.00", "partially_paid")


def test_a_void_while_the_card_is_charged_refunds_it(make_system):
    system = make_system(PAYMENT_TEST_DELAY=0.5)
    invoice = new_invoice(system)
    pay = lambda proxy: proxy.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-v")  # noqa: E731

    def void(proxy):
        eventlet.sleep(0.2)  # after the key is claimed, before the charge returns
        return proxy.void_invoice(system.staff, invoice["id"])
    paid, voided = fire_together(system, [pay, void])
    assert voided["status"] == "void"
    assert isinstance(paid, Conflict) and paid.code == "invoice_not_payable" and "refunded" in paid.message
    assert [e["type"] for e in system.ledger] == ["charge", "refund"]
    assert system.billing.list_payments(system.staff)["total"] == 0


def _stale_attempt(system, invoice, key, amount="1190.00"):
    """A pending attempt as a worker that crashed after claiming its key leaves it."""
    engine = create_engine(system.config["DATABASE_URL"])
    with Session(engine) as session:
        attempt = PaymentAttempt(org_id="org-1", customer_id="cust-1", key=key,
                                 fingerprint=fingerprint(invoice["id"], None), invoice_id=invoice["id"],
                                 amount=Decimal(amount), currency="EUR", status="pending",
                                 created_at=utcnow() - timedelta(minutes=10),
                                 updated_at=utcnow() - timedelta(minutes=10))
        session.add(attempt)
        session.commit()
        attempt_id = attempt.id
    engine.dispose()
    return attempt_id


def test_a_recent_pending_attempt_is_waited_for_then_in_progress(make_system):
    system = make_system(PAYMENT_TEST_DELAY=0)
    invoice = new_invoice(system)
    attempt_id = _stale_attempt(system, invoice, "key-p")
    engine = create_engine(system.config["DATABASE_URL"])
    with engine.begin() as conn:  # not stale yet: its worker may still be charging
        conn.execute(sql_update(PaymentAttempt).where(PaymentAttempt.id == attempt_id).values(updated_at=utcnow()))
    engine.dispose()
    os.environ["PAYMENT_WAIT_SECONDS"] = "0.5"
    try:
        with pytest.raises(Conflict) as err:
            system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-p")
    finally:
        del os.environ["PAYMENT_WAIT_SECONDS"]
    assert err.value.code == "payment_in_progress" and charges(system) == []


def test_a_stale_attempt_is_resumed_by_a_retry_and_charged_once(make_system, db_url):
    system = make_system(db_url=db_url)
    invoice = new_invoice(system)
    attempt_id = _stale_attempt(system, invoice, "key-crash")
    # the crashed worker had charged the card already: the processor knows the charge by its key
    first_charge = TestProcessor(delay=0).charge(VISA, Decimal("1190.00"), "EUR", f"org-1:{attempt_id}")
    payment = system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-crash")
    assert payment["reference"] == first_charge.charge_id and payment["amount"] == "1190.00"
    assert len(charges(system)) == 1
    assert system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-crash") == payment
    assert system.billing.get_invoice(system.staff, invoice["id"])["status"] == "paid"

    # crashed before charging: the retry charges now
    other = new_invoice(system)
    _stale_attempt(system, other, "key-crash-2")
    resumed = system.billing.pay_invoice(system.me, other["id"], {"card": VISA}, "key-crash-2")
    assert resumed["amount"] == "1190.00" and len(charges(system)) == 2


def test_a_broken_processor_is_logged_and_the_customer_may_retry(system, monkeypatch, caplog):
    """Not a decline: the processor itself failed. The customer gets "try again", the attempt is
    failed (so the same card can be tried again) and the cause is in the log, not swallowed."""
    invoice = new_invoice(system)

    def broken(self, *args, **kwargs):
        raise ConnectionResetError("processor hung up")
    monkeypatch.setattr(TestProcessor, "charge", broken)
    with caplog.at_level("ERROR", logger="billing.payments"):
        with pytest.raises(PaymentRequired) as err:
            system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-broken")
    assert err.value.code == "payment_failed"
    [record] = [r for r in caplog.records if r.name == "billing.payments" and r.levelname == "ERROR"]
    assert "card processor failed" in record.getMessage() and "processor hung up" in record.exc_text
    monkeypatch.undo()
    paid = system.billing.pay_invoice(system.me, invoice["id"], {"card": VISA}, "key-after")
    assert paid["amount"] == "1190.00"


def test_an_empty_pay_form_names_every_card_field(system):
    """An empty expiry month used to be the only complaint; the empty number and code went unsaid."""
    invoice = new_invoice(system)
    with pytest.raises(Invalid) as err:
        system.billing.pay_invoice(system.me, invoice["id"], {"card": {
            "number": "", "exp_month": "", "exp_year": "", "cvc": ""}}, "key-empty")
    assert {"card.number", "card.exp_month", "card.exp_year", "card.cvc"} <= set(err.value.fields)
