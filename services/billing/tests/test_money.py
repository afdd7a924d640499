"""Money rules as properties (hypothesis): per-line half-up rounding, totals, parsing, and
sequences of partial payments that never overpay nor lose a cent."""
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from portico_kit.errors import Conflict, Invalid

from billing import money
from billing.payments import apply_payment, check_payable

from .conftest import new_invoice

quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10000"), places=4)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal("100000"), places=2)
percents = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


def _half_up_exact(fraction):
    """The exact value rounded half-up to the cent, computed with fractions (no Decimal context)."""
    scaled = fraction * 100
    floor = scaled.numerator // scaled.denominator
    rounded = floor + (1 if scaled - floor >= Fraction(1, 2) else 0)
    return Decimal(rounded) / 100


@given(quantities, rates, percents, percents)
def test_a_line_is_rounded_half_up_to_the_cent(quantity, rate, discount, tax_rate):
    amount, tax_amount = money.line_amounts(quantity, rate, discount, tax_rate, "USD")
    exact = Fraction(quantity) * Fraction(rate) * (1 - Fraction(discount) / 100)
    assert amount == _half_up_exact(exact)
    assert tax_amount == _half_up_exact(Fraction(amount) * Fraction(tax_rate) / 100)
    assert amount.as_tuple().exponent == -2 and tax_amount.as_tuple().exponent == -2
    assert abs(Fraction(amount) - exact) <= Fraction(1, 200)
    assert Decimal(0) <= amount and Decimal(0) <= tax_amount <= amount


@given(st.lists(st.tuples(quantities, rates, percents, percents), min_size=1, max_size=20))
def test_totals_are_the_sums_of_rounded_lines(lines):
    rounded = [money.line_amounts(*line, "USD") for line in lines]
    subtotal, tax_total, total = money.totals(rounded)
    assert subtotal == sum(a for a, _ in rounded) and tax_total == sum(t for _, t in rounded)
    assert total == subtotal + tax_total
    assert money.fmt(total, "USD").count(".") == 1 and len(money.fmt(total, "USD").split(".")[1]) == 2


def test_worked_examples():
    assert money.line_amounts(Decimal("3"), Decimal("0.05"), 0, Decimal("7.5"), "USD") == (Decimal("0.15"), Decimal("0.01"))
    assert money.line_amounts(Decimal("1"), Decimal("0.05"), Decimal("50"), 0, "USD")[0] == Decimal("0.03")  # 0.025 up
    assert money.line_amounts(Decimal("1.5"), Decimal("33.33"), Decimal("10"), Decimal("19"), "USD") == \
        (Decimal("45.00"), Decimal("8.55"))


@given(cents)
def test_money_parses_and_formats_back(value):
    assert money.parse_money(money.fmt(value, "USD"), "USD") == value
    assert money.fmt(money.parse_money(str(value), "USD"), "USD") == money.fmt(value, "USD")


@pytest.mark.parametrize("bad", ["NaN", "nan", "Infinity", "-Infinity", "sNaN", "1.001", "-0.01", "1e400",
                                 "", "  ", "12,50", "abc", True, None, [], {"a": 1}, "1" * 41])
def test_money_refuses(bad):
    with pytest.raises(ValueError):
        money.parse_money(bad, "USD")


def test_money_accepts_plain_forms():
    assert money.parse_money("12.5", "USD") == Decimal("12.50") and money.fmt(Decimal("12.5"), "USD") == "12.50"
    assert money.parse_money(7, "USD") == Decimal("7.00") and money.parse_money(0.1, "USD") == Decimal("0.10")
    assert money.parse_money("-0", "USD") == Decimal("0.00") and money.fmt(money.parse_money("-0", "USD"), "USD") == "0.00"
    assert money.format_plain(Decimal("19.0000")) == "19" and money.format_plain(Decimal("1.5000")) == "1.5"
    assert money.format_plain(Decimal("1E+2")) == "100"
    with pytest.raises(ValueError):
        money.parse_money("1000000000000.00", "USD")


@given(cents, st.lists(cents, max_size=30))
def test_partial_payments_never_overpay_nor_lose_a_cent(total, attempts):
    invoice = SimpleNamespace(total=total, amount_paid=Decimal("0.00"), balance_due=total, status="sent", currency="USD",
                              updated_at=None)
    accepted = []
    for amount in attempts:
        try:
            check_payable(invoice, amount)
        except (Invalid, Conflict):
            assert amount > invoice.balance_due or invoice.status == "paid"
            continue
        apply_payment(invoice, amount)
        accepted.append(amount)
        assert invoice.balance_due >= 0
        assert invoice.amount_paid + invoice.balance_due == total
        assert invoice.status == ("paid" if invoice.balance_due == 0 else "partially_paid")
    assert invoice.amount_paid == sum(accepted, Decimal(0))
    assert invoice.amount_paid + invoice.balance_due == total


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rate=st.integers(min_value=1, max_value=100_000).map(lambda c: Decimal(c) / 100),
       fractions=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=5))
def test_through_the_service_partial_payments_settle_exactly(system, rate, fractions):
    """The same property through RPC and the database: Numeric(14, 2) keeps every cent."""
    invoice = new_invoice(system, lines=[{"description": "x", "quantity": "1", "rate": str(rate),
                                          "tax_rate": "19"}])
    total = Decimal(invoice["total"])
    paid = Decimal(0)
    for percent in fractions:
        balance = total - paid
        if balance <= 0:
            break
        amount = max(Decimal("0.01"), (balance * percent / 100).quantize(Decimal("0.01")))
        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                     "amount": str(amount), "mode": "cash"})
        paid += amount
        after = system.billing.get_invoice(system.staff, invoice["id"])
        assert Decimal(after["amount_paid"]) == paid
        assert Decimal(after["balance_due"]) == total - paid >= 0
    with pytest.raises((Invalid, Conflict)):
        system.billing.record_payment(system.staff, {"customer_id": "cust-1", "invoice_id": invoice["id"],
                                                     "amount": money.fmt(total - paid + Decimal("0.01"), "USD"),
                                                     "mode": "cash"})


@given(st.one_of(st.text(max_size=50), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.booleans(), st.none(), st.decimals(allow_nan=True, allow_infinity=True)))
def test_parsing_anything_gives_a_valid_amount_or_a_value_error(value):
    """Whatever a client sends, the answer is a storable amount or a clear refusal, never a crash."""
    try:
        amount = money.parse_money(value, "USD")
    except ValueError as exc:
        assert str(exc)
        return
    assert amount.is_finite() and Decimal(0) <= amount <= money.MAX_MONEY
    assert amount.as_tuple().exponent == -2
    assert not isinstance(value, bool)
