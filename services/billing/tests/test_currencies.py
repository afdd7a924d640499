"""Every currency in its own minor units (0, 2 and 3 decimals) through invoice, payment and the
customer's balance, over the real broker; more decimals than the currency has is 422 invalid_amount."""
from decimal import Decimal

import pytest

from portico_kit.errors import Invalid

from .conftest import new_invoice

# (currency, rate, quantity, tax %, line amount, tax, total, a first partial payment)
CASES = [
    ("JPY", "1250", "3", "10", "3750", "375", "4125", "1000"),
    ("USD", "33.33", "1.5", "19", "50.00", "9.50", "59.50", "20.25"),
    ("KWD", "10.125", "3", "5", "30.375", "1.519", "31.894", "30.375"),
    ("BHD", "0.005", "1", "50", "0.005", "0.003", "0.008", "0.001"),
]


def test_invoice_to_payment_in_the_currencys_own_decimals(system):
    for currency, rate, quantity, tax_rate, amount, tax, total, first in CASES:
        invoice = new_invoice(system, currency=currency, lines=[
            {"description": "Work", "quantity": quantity, "rate": rate, "tax_rate": tax_rate}])
        line = invoice["line_items"][0]
        assert (line["rate"], line["amount"], line["tax_amount"]) == (rate, amount, tax)
        assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == (amount, tax, total)
        assert invoice["balance_due"] == total

        payment = system.billing.record_payment(system.staff, {
            "customer_id": "cust-1", "invoice_id": invoice["id"], "amount": first, "mode": "bank_transfer"})
        assert payment["amount"] == first and payment["currency"] == currency
        after = system.billing.get_invoice(system.staff, invoice["id"])
        rest = str(Decimal(total) - Decimal(first))
        assert (after["amount_paid"], after["balance_due"], after["status"]) == (first, rest, "partially_paid")

        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                     "amount": rest, "mode": "cash"})
        settled = system.billing.get_invoice(system.staff, invoice["id"])
        zero = {"JPY": "0", "USD": "0.00"}.get(currency, "0.000")
        assert (settled["status"], settled["balance_due"]) == ("paid", zero)


REFUSED_RATES = [("JPY", "1250.5", "JPY amounts have no decimals."),
                 ("USD", "10.125", "USD amounts have at most 2 decimals."),
                 ("KWD", "10.1255", "KWD amounts have at most 3 decimals.")]


def test_more_decimals_than_the_currency_has_is_refused(system):
    for currency, rate, field_message in REFUSED_RATES:
        with pytest.raises(Invalid) as err:
            system.billing.create_invoice(system.staff, {"customer_id": "cust-1", "currency": currency, "line_items": [
                {"description": "ok", "quantity": "1", "rate": "1"},
                {"description": "Work", "quantity": "1", "rate": rate}]})
        assert err.value.code == "invalid_amount"
        assert err.value.fields == {"line_items.1.rate": field_message}

    # no currency given: the customer's (EUR for cust-1) decides the decimals
    with pytest.raises(Invalid) as err:
        system.billing.create_invoice(system.staff, {"customer_id": "cust-1", "line_items": [
            {"description": "Work", "quantity": "1", "rate": "1.005"}]})
    assert err.value.code == "invalid_amount"

    invoice = new_invoice(system, currency="JPY", lines=[{"description": "Work", "quantity": "1", "rate": "1000"}])
    with pytest.raises(Invalid) as err:
        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                     "amount": "999.5", "mode": "cash"})
    assert err.value.code == "invalid_amount" and err.value.fields == {"amount": "JPY amounts have no decimals."}
    assert system.billing.get_invoice(system.staff, invoice["id"])["amount_paid"] == "0"


def test_changing_a_drafts_currency_recomputes_its_lines_or_refuses(system):
    draft = new_invoice(system, send=False, currency="USD", lines=[
        {"description": "Work", "quantity": "3", "rate": "12.50", "tax_rate": "10"}])
    with pytest.raises(Invalid) as err:
        system.billing.update_invoice(system.staff, draft["id"], {"currency": "JPY"})
    assert err.value.code == "invalid_amount" and "line_items.0.rate" in err.value.fields
    assert system.billing.get_invoice(system.staff, draft["id"])["currency"] == "USD"

    kwd = system.billing.update_invoice(system.staff, draft["id"], {"currency": "KWD"})
    assert (kwd["currency"], kwd["subtotal"], kwd["tax_total"], kwd["total"]) == ("KWD", "37.500", "3.750", "41.250")
    system.billing.delete_invoice(system.staff, draft["id"])

    # balances per currency, each in its own decimals
    new_invoice(system, currency="KWD", lines=[{"description": "a", "quantity": "1", "rate": "30.375"}])
    new_invoice(system, currency="JPY", lines=[{"description": "b", "quantity": "2", "rate": "500"}])
    summary = system.billing.customer_summary(system.me)
    assert summary["balances"] == {"JPY": "1000", "KWD": "30.375"}


# (currency, total paid in full, refunded, what more decimals than it has looks like)
REFUNDS = [("JPY", "4125", "1025", "0.5"), ("USD", "59.50", "9.25", "0.125"), ("KWD", "31.894", "30.375", "0.0005")]


def test_refunds_and_statements_in_the_currencys_own_decimals(system):
    """invoice -> payment -> refund -> statement for 0, 2 and 3 decimals: the refund keeps the
    currency's digits, the invoice's balance grows back by exactly that, the statement shows it."""
    for (currency, rate, quantity, tax_rate, _amount, _tax, total, _first), (_, paid, refunded, too_fine) in zip(
            CASES, REFUNDS):
        invoice = new_invoice(system, currency=currency, lines=[
            {"description": "Work", "quantity": quantity, "rate": rate, "tax_rate": tax_rate}])
        assert invoice["total"] == paid == total
        payment = system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                               "amount": paid, "mode": "bank_transfer"})
        with pytest.raises(Invalid) as err:
            system.billing.refund_payment(system.staff, payment["id"], {"amount": too_fine})
        assert err.value.code == "invalid_amount", currency

        refund = system.billing.refund_payment(system.staff, payment["id"], {"amount": refunded})
        assert (refund["amount"], refund["currency"]) == (refunded, currency)
        after = system.billing.get_invoice(system.staff, invoice["id"])
        kept = str(Decimal(paid) - Decimal(refunded))
        assert (after["balance_due"], after["amount_paid"], after["status"]) == (refunded, kept, "partially_paid")

        statement = system.billing.get_statement(system.staff, "cust-1", "2000-01-01", None, currency)
        assert [line["amount"] for line in statement["lines"] if line["kind"] == "refund"] == [refunded]
        assert statement["closing_balance"] == refunded, currency
