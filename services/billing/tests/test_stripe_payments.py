"""Stripe payments over the real broker against localstripe: intents created and confirmed by billing,
3-D Secure, declines and retries, minor units, webhooks (replayed, out of order, unknown, forged,
before and after the customer's return, racing it) and reconciliation of a stale attempt."""
import json
import uuid

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portico_kit.errors import BadRequest, Conflict, Invalid, NotFound, PaymentRequired
from portico_kit.testing.localstripe import LocalStripe, signed_event
from portico_kit.testing.waiting import wait_until

from billing.models import Payment, PaymentAttempt

from .conftest import events_of, fire_together, new_invoice

VISA, DECLINED_AT_CONFIRM, NEEDS_3DS = "4242424242424242", "4000000000000341", "4000002500003155"


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory):
    emulator = LocalStripe(log_path=str(tmp_path_factory.mktemp("localstripe") / "localstripe.log")).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def system(make_system, localstripe):
    made = make_system(**localstripe.settings())
    made.stripe = localstripe
    return made


def key():
    return f"key-{uuid.uuid4().hex}"


def card(system, number=VISA, actor=None):
    """What the Pay page does with Stripe.js: a SetupIntent from billing, confirmed with the card."""
    setup = system.billing.create_setup_intent(actor or system.me)
    assert setup["publishable_key"] == "pk_test_portico"
    status, body = system.stripe.confirm_setup(setup["client_secret"], number)
    assert status == 200, body
    return body["payment_method"]


def payments_of(system, invoice_id):
    engine = create_engine(system.config["DATABASE_URL"])
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Payment).where(Payment.invoice_id == invoice_id))
    engine.dispose()
    return count


def webhook(system, event_type, obj, event_id=None):
    payload, signature = signed_event(event_type, obj, event_id=event_id)
    return system.billing.stripe_webhook(payload, signature)


def test_config_and_setup_intent_never_expose_the_secret_key(system):
    config = system.billing.payment_config(system.me)
    assert config == {"provider": "stripe", "publishable_key": "pk_test_portico",
                      "js_url": system.stripe.js_url}
    assert "sk_test" not in json.dumps(system.billing.create_setup_intent(system.me))


def test_a_card_payment_is_confirmed_on_the_server_and_the_same_key_answers_the_same_intent(system):
    invoice = new_invoice(system)  # 1190.00 EUR
    method, attempt_key = card(system), key()
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {
        "amount": "100.00", "payment_method_id": method}, attempt_key)
    assert (intent["status"], intent["provider"], intent["amount"], intent["currency"]) == (
        "succeeded", "stripe", "100.00", "EUR")
    assert intent["id"].startswith("pi_") and intent["client_secret"] is None
    remote = system.stripe.intent(intent["id"])
    assert (remote["amount"], remote["currency"], remote["status"]) == (10000, "eur", "succeeded")
    assert remote["metadata"]["portico_invoice_id"] == invoice["id"]

    again = system.billing.create_payment_intent(system.me, invoice["id"], {
        "amount": "100.00", "payment_method_id": method}, attempt_key)
    assert again["id"] == intent["id"] and again["status"] == "succeeded"
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["balance_due"], after["status"]) == ("1090.00", "partially_paid")
    assert payments_of(system, invoice["id"]) == 1
    [payment] = system.billing.list_payments(system.me)["items"]
    assert payment["card"] == {"brand": "visa", "last4": "4242"} and payment["reference"] == intent["id"]
    [event] = events_of(system.received, "payment_recorded")
    assert event["data"]["payment"]["amount"] == "100.00"

    with pytest.raises(Conflict) as err:  # the key, reused for another amount
        system.billing.create_payment_intent(system.me, invoice["id"], {
            "amount": "5.00", "payment_method_id": method}, attempt_key)
    assert err.value.code == "idempotency_key_reused"
    with pytest.raises(Invalid) as err:
        system.billing.create_payment_intent(system.me, invoice["id"], {
            "amount": "1090.01", "payment_method_id": method}, key())
    assert err.value.code == "amount_exceeds_balance"
    with pytest.raises(Conflict) as err:  # raw cards never reach Portico with Stripe on
        system.billing.pay_invoice(system.me, invoice["id"], {"card": {
            "number": VISA, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}, key())
    assert err.value.code == "use_payment_intents"


def test_amounts_go_to_stripe_in_each_currencys_minor_units(system):
    yen = new_invoice(system, lines=[{"description": "Sushi", "quantity": "1", "rate": "1250"}], currency="JPY")
    intent = system.billing.create_payment_intent(system.me, yen["id"], {"payment_method_id": card(system)}, key())
    assert intent["amount"] == "1250" and system.stripe.intent(intent["id"])["amount"] == 1250

    dinar = new_invoice(system, lines=[{"description": "Tea", "quantity": "1", "rate": "30.375"}], currency="KWD")
    with pytest.raises(Invalid) as err:  # Stripe wants the last of three decimals to be 0
        system.billing.create_payment_intent(system.me, dinar["id"], {
            "amount": "30.375", "payment_method_id": card(system)}, key())
    assert err.value.code == "invalid_amount"
    intent = system.billing.create_payment_intent(system.me, dinar["id"], {"payment_method_id": card(system)}, key())
    assert intent["amount"] == "30.370" and system.stripe.intent(intent["id"])["amount"] == 30370
    assert system.billing.get_invoice(system.staff, dinar["id"])["balance_due"] == "0.005"


def test_a_declined_card_is_402_for_its_key_and_another_card_pays_under_a_new_key(system):
    invoice = new_invoice(system)
    bad_key = key()
    declined_card = card(system, DECLINED_AT_CONFIRM)
    for _ in range(2):
        with pytest.raises(PaymentRequired) as err:
            system.billing.create_payment_intent(system.me, invoice["id"], {"payment_method_id": declined_card},
                                                 bad_key)
        assert err.value.code == "card_declined" and "declined" in err.value.message
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {"payment_method_id": card(system)}, key())
    assert intent["status"] == "succeeded" and intent["amount"] == "1190.00"
    assert system.billing.get_invoice(system.staff, invoice["id"])["status"] == "paid"


def test_3d_secure_then_the_return_records_the_payment_and_replayed_webhooks_change_nothing(system):
    invoice = new_invoice(system)
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {
        "amount": "200.00", "payment_method_id": card(system, NEEDS_3DS)}, key())
    assert intent["status"] == "requires_action" and intent["client_secret"].startswith(intent["id"])
    assert payments_of(system, invoice["id"]) == 0
    system.stripe.authenticate(intent["client_secret"])  # the browser's confirmCardPayment
    back = system.billing.refresh_payment_intent(system.me, intent["id"])
    assert back["status"] == "succeeded" and back["payment_id"]
    remote = system.stripe.intent(intent["id"])
    for _ in range(3):  # Stripe redelivers
        assert webhook(system, "payment_intent.succeeded", remote, event_id="evt_same")["received"] is True
        assert webhook(system, "payment_intent.succeeded", remote)["received"] is True
    assert payments_of(system, invoice["id"]) == 1
    assert system.billing.get_invoice(system.staff, invoice["id"])["balance_due"] == "990.00"

    with pytest.raises(NotFound):  # someone else's intent
        system.billing.refresh_payment_intent(system.neighbour, intent["id"])


def test_the_webhook_first_then_the_return_and_events_out_of_order_record_one_payment(system):
    invoice = new_invoice(system)
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {
        "payment_method_id": card(system, NEEDS_3DS)}, key())
    system.stripe.authenticate(intent["client_secret"])
    remote = system.stripe.intent(intent["id"])
    # a stale failure report arrives after success, then the success itself, then a late failure
    assert webhook(system, "payment_intent.payment_failed", dict(remote, status="requires_payment_method"))
    assert payments_of(system, invoice["id"]) == 1  # billing asked Stripe, which says succeeded
    assert webhook(system, "payment_intent.succeeded", remote)
    assert system.billing.refresh_payment_intent(system.me, intent["id"])["status"] == "succeeded"
    assert payments_of(system, invoice["id"]) == 1
    assert system.billing.get_invoice(system.staff, invoice["id"])["status"] == "paid"


def test_a_failed_3d_secure_is_recorded_as_a_failure(system):
    invoice = new_invoice(system)
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {
        "payment_method_id": card(system, NEEDS_3DS)}, key())
    system.stripe.authenticate(intent["client_secret"], success=False)
    webhook(system, "payment_intent.payment_failed", system.stripe.intent(intent["id"]))
    back = system.billing.refresh_payment_intent(system.me, intent["id"])
    assert back["status"] == "failed" and back["error"]["code"] == "card_declined"
    assert payments_of(system, invoice["id"]) == 0


def test_webhook_and_return_racing_write_one_payment(system):
    invoice = new_invoice(system)
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {
        "payment_method_id": card(system, NEEDS_3DS)}, key())
    system.stripe.authenticate(intent["client_secret"])
    remote = system.stripe.intent(intent["id"])
    payload, signature = signed_event("payment_intent.succeeded", remote)
    results = fire_together(system, [lambda p: p.stripe_webhook(payload, signature),
                                     lambda p: p.refresh_payment_intent(system.me, intent["id"]),
                                     lambda p: p.stripe_webhook(payload, signature),
                                     lambda p: p.refresh_payment_intent(system.me, intent["id"])])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert payments_of(system, invoice["id"]) == 1


def test_unknown_foreign_and_forged_events(system):
    assert webhook(system, "customer.created", {"id": "cus_x", "object": "customer"}) == {"received": True}
    assert webhook(system, "payment_intent.succeeded", {"id": "pi_not_ours", "object": "payment_intent",
                                                        "metadata": {}}) == {"received": True}
    payload, signature = signed_event("payment_intent.succeeded", {"id": "pi_x"}, secret="whsec_wrong")
    with pytest.raises(BadRequest) as err:
        system.billing.stripe_webhook(payload, signature)
    assert err.value.code == "invalid_signature"
    payload, signature = signed_event("payment_intent.succeeded", {"id": "pi_x"})
    with pytest.raises(BadRequest):  # a body changed after signing
        system.billing.stripe_webhook(payload.replace("pi_x", "pi_y"), signature)
    with pytest.raises(BadRequest):
        system.billing.stripe_webhook(payload, "")


def test_a_stale_pending_attempt_is_settled_by_asking_stripe(system, monkeypatch):
    invoice = new_invoice(system)
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {
        "payment_method_id": card(system, NEEDS_3DS)}, key())
    system.stripe.authenticate(intent["client_secret"])  # no webhook, no return: only Stripe knows
    assert system.billing.reconcile_payments() == 0  # not stale yet
    monkeypatch.setenv("PAYMENT_STALE_SECONDS", "0")
    assert system.billing.reconcile_payments() == 1
    assert payments_of(system, invoice["id"]) == 1
    assert system.billing.reconcile_payments() == 0  # settled: nothing left to ask about


def test_a_customer_cannot_pay_with_another_customers_card(system):
    mine = card(system)
    system.billing.create_payment_intent(system.me, new_invoice(system)["id"], {
        "amount": "1.00", "payment_method_id": mine, "save_card": True}, key())
    theirs = new_invoice(system, customer_id="cust-2")
    with pytest.raises(NotFound) as err:
        system.billing.create_payment_intent(system.neighbour, theirs["id"], {"payment_method_id": mine}, key())
    assert err.value.code == "payment_method_not_found"
    with pytest.raises(NotFound):  # and not another customer's invoice
        system.billing.create_payment_intent(system.neighbour, new_invoice(system)["id"], {
            "payment_method_id": card(system, actor=system.neighbour)}, key())
    engine = create_engine(system.config["DATABASE_URL"])
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PaymentAttempt)) == 1
    engine.dispose()


def test_refunds_through_stripe_grow_the_balance_back_and_never_exceed_the_payment(system):
    invoice = new_invoice(system)  # 1190.00
    intent = system.billing.create_payment_intent(system.me, invoice["id"], {"payment_method_id": card(system)}, key())
    payment_id = intent["payment_id"]
    refund = system.billing.refund_payment(system.staff, payment_id, {"amount": "190.00", "reason": "Discount"})
    assert (refund["amount"], refund["status"], refund["source"]) == ("190.00", "succeeded", "staff")
    after = system.billing.get_invoice(system.staff, invoice["id"])
    assert (after["balance_due"], after["status"]) == ("190.00", "partially_paid")
    with pytest.raises(Invalid) as err:
        system.billing.refund_payment(system.staff, payment_id, {"amount": "1000.01"})
    assert err.value.code == "amount_exceeds_refundable"
    with pytest.raises(NotFound):  # another organization's staff
        system.billing.refund_payment(system.other_staff, payment_id, {"amount": "1.00"})
    [event] = events_of(system.received, "payment_refunded")
    assert event["data"]["refund"]["amount"] == "190.00" and event["data"]["invoice"]["balance_due"] == "190.00"

    # a refund made in Stripe's dashboard arrives by webhook, as often as Stripe likes: recorded once
    system.stripe.refund(intent["id"], 10000)
    remote = system.stripe.intent(intent["id"])
    charge = remote["latest_charge"]
    charge = charge if isinstance(charge, dict) else {"id": charge}
    for _ in range(3):
        webhook(system, "charge.refunded", {"id": charge["id"], "object": "charge", "payment_intent": intent["id"]})
    payment = system.billing.get_payment(system.staff, payment_id)
    assert payment["amount_refunded"] == "290.00" and len(payment["refunds"]) == 2
    assert {r["source"] for r in payment["refunds"]} == {"staff", "stripe"}
    assert system.billing.get_invoice(system.staff, invoice["id"])["balance_due"] == "290.00"
    mine = system.billing.list_payments(system.me)["items"][0]
    assert mine["amount_refunded"] == "290.00"  # the portal shows refunds
    rest = system.billing.refund_payment(system.staff, payment_id, {})  # all that is left
    assert rest["amount"] == "900.00"
    assert system.billing.get_invoice(system.staff, invoice["id"])["status"] == "sent"
    statement = system.billing.get_statement(system.staff, "cust-1", "2000-01-01", None, "EUR")
    assert [line["kind"] for line in statement["lines"]].count("refund") == 3
    assert statement["refunded"] == "1190.00"


def db_session(system):
    return Session(create_engine(system.config["DATABASE_URL"]))


def test_saved_cards_are_listed_removed_and_never_more_than_brand_last4_and_expiry(system):
    invoice = new_invoice(system)
    kept = card(system)
    system.billing.create_payment_intent(system.me, invoice["id"], {
        "amount": "10.00", "payment_method_id": kept, "save_card": True}, key())
    system.billing.create_payment_intent(system.me, invoice["id"], {
        "amount": "10.00", "payment_method_id": card(system, "5555555555554444")}, key())  # not saved
    [saved] = system.billing.list_payment_methods(system.me)["items"]
    assert saved == {"id": kept, "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}
    assert system.billing.list_payment_methods(system.neighbour)["items"] == []
    # a saved card pays the same way, by its id
    again = system.billing.create_payment_intent(system.me, invoice["id"], {"amount": "10.00", "payment_method_id": kept},
                                                 key())
    assert again["status"] == "succeeded"
    assert system.billing.set_autopay(system.me, {"enabled": True, "payment_method_id": kept})["enabled"] is True
    profile = system.billing.customer_payment_profile(system.staff, "cust-1")
    assert profile["autopay"]["enabled"] is True and profile["autopay"]["card"]["last4"] == "4242"
    assert "4242424242424242" not in json.dumps(profile)
    with pytest.raises(NotFound):
        system.billing.delete_payment_method(system.neighbour, kept)
    assert system.billing.delete_payment_method(system.me, kept) == {"deleted": True}
    assert system.billing.list_payment_methods(system.me)["items"] == []
    assert system.billing.get_autopay(system.me)["enabled"] is False  # its card is gone
    with pytest.raises(Invalid) as err:
        system.billing.set_autopay(system.me, {"enabled": True, "payment_method_id": kept})
    assert err.value.code == "payment_method_required"


def test_autopay_charges_on_the_due_date_of_the_organizations_day_once(system):
    from datetime import datetime, timedelta, timezone as tz
    from zoneinfo import ZoneInfo
    zone = "Pacific/Kiritimati"  # UTC+14: its today is often the server's tomorrow
    their_today = datetime.now(ZoneInfo(zone)).date()
    me = dict(system.me, org_timezone=zone)
    kept = card(system)
    first = new_invoice(system, lines=[{"description": "A", "quantity": "1", "rate": "20.00"}])
    system.billing.create_payment_intent(me, first["id"], {"amount": "1.00", "payment_method_id": kept,
                                                           "save_card": True}, key())
    system.billing.set_autopay(me, {"enabled": True, "payment_method_id": kept})
    due_today = new_invoice(system, lines=[{"description": "B", "quantity": "1", "rate": "50.00"}],
                            date=str(their_today - timedelta(days=10)), due_date=str(their_today))
    later = new_invoice(system, lines=[{"description": "C", "quantity": "1", "rate": "70.00"}],
                        date=str(their_today), due_date=str(their_today + timedelta(days=1)))
    assert system.billing.run_autopay() == {"charged": 1, "failed": 0}
    assert system.billing.run_autopay() == {"charged": 0, "failed": 0}  # once per invoice and day
    assert system.billing.get_invoice(system.staff, due_today["id"])["status"] == "paid"
    assert system.billing.get_invoice(system.staff, later["id"])["status"] == "sent"
    assert datetime.now(tz.utc).date() <= their_today


def test_autopay_catches_up_on_due_dates_no_run_saw_once_and_at_start(system, container_factory):
    """Billing was down on due dates: the next run (and a billing that starts) charges each open
    invoice due since autopay was turned on and not attempted yet, once; older ones are left alone."""
    from datetime import date, timedelta
    from billing.models import Autopay
    from billing.service import BillingService
    today = date.today()
    kept = card(system)
    first = new_invoice(system, lines=[{"description": "A", "quantity": "1", "rate": "20.00"}])  # due in 30 days
    system.billing.create_payment_intent(system.me, first["id"], {"amount": "1.00", "payment_method_id": kept,
                                                                  "save_card": True}, key())
    system.billing.set_autopay(system.me, {"enabled": True, "payment_method_id": kept})
    with db_session(system) as session:  # autopay was turned on a week ago
        assert session.get(Autopay, ("org-1", "cust-1")).enabled_on == today
        session.get(Autopay, ("org-1", "cust-1")).enabled_on = today - timedelta(days=7)
        session.commit()

    def invoice_due(days_ago, rate):
        return new_invoice(system, lines=[{"description": "Due", "quantity": "1", "rate": rate}],
                           date=str(today - timedelta(days=days_ago + 5)), due_date=str(today - timedelta(days=days_ago)))
    missed, before_autopay = invoice_due(3, "30.00"), invoice_due(10, "40.00")
    assert system.billing.run_autopay() == {"charged": 1, "failed": 0}
    assert system.billing.run_autopay() == {"charged": 0, "failed": 0}  # once, however often it runs
    assert system.billing.get_invoice(system.staff, missed["id"])["status"] == "paid"
    assert system.billing.get_invoice(system.staff, before_autopay["id"])["status"] == "overdue"
    assert system.billing.get_invoice(system.staff, first["id"])["balance_due"] == "19.00"

    # missed while billing was down, then a billing starts: it charges at once, nobody calls it
    also_missed = invoice_due(1, "60.00")
    container_factory(BillingService, system.config).start()
    wait_until(lambda: system.billing.get_invoice(system.staff, also_missed["id"])["status"] == "paid", timeout=20)
    assert system.billing.run_autopay() == {"charged": 0, "failed": 0}
    with db_session(system) as session:
        keys = sorted(session.scalars(select(PaymentAttempt.key).where(PaymentAttempt.kind == "autopay")).all())
    assert keys == sorted([f"autopay:{missed['id']}:{missed['due_date']}",
                           f"autopay:{also_missed['id']}:{also_missed['due_date']}"])


def test_a_declined_autopay_leaves_the_invoice_open_and_tells_the_customer(system):
    from datetime import date
    from billing.models import Autopay, SavedCard
    bad = card(system, DECLINED_AT_CONFIRM)
    system.billing.create_setup_intent(system.me)  # makes the Stripe Customer
    with db_session(system) as session:
        session.add(SavedCard(id=bad, org_id="org-1", customer_id="cust-1", brand="visa", last4="0341",
                              exp_month=date.today().month, exp_year=date.today().year, timezone="UTC"))
        session.add(Autopay(org_id="org-1", customer_id="cust-1", enabled=True, payment_method_id=bad, timezone="UTC"))
        session.commit()
    invoice = new_invoice(system, date=str(date.today()), due_date=str(date.today()))
    assert system.billing.run_autopay() == {"charged": 0, "failed": 1}
    assert system.billing.run_autopay() == {"charged": 0, "failed": 0}
    assert system.billing.get_invoice(system.staff, invoice["id"])["status"] == "sent"
    [event] = events_of(system.received, "autopay_failed")
    assert event["data"]["invoice"]["id"] == invoice["id"] and event["data"]["error"]["code"] == "card_declined"
    # the card expires this month: one reminder
    assert system.billing.remind_expiring_cards() == 1
    assert system.billing.remind_expiring_cards() == 0
    [reminder] = events_of(system.received, "card_expiring")
    assert reminder["data"]["card"]["last4"] == "0341" and reminder["data"]["autopay"] is True
