"""The statement's arithmetic, as a property: for any invoices, payments and refunds on any dates,
closing = opening + invoiced − paid + refunded, the running balance ends at the closing balance,
and the ageing buckets add up to the closing balance, to the cent."""
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing import ledger

START = date(2026, 1, 1)
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100)
days = st.integers(min_value=0, max_value=400)


@st.composite
def books(draw):
    """Invoices; payments against them (never above what is open); refunds of those payments."""
    entries = []
    for n in range(draw(st.integers(min_value=0, max_value=8))):
        invoice_day = START + timedelta(days=draw(days))
        total = draw(cents)
        entries.append(ledger.Entry("invoice", invoice_day, total, f"inv-{n}", f"INV-{n:06d}",
                                    due_date=invoice_day + timedelta(days=draw(st.integers(0, 60)))))
        open_amount = total
        for m in range(draw(st.integers(min_value=0, max_value=3))):
            if open_amount <= 0:
                break
            amount = min(draw(cents), open_amount)
            paid_day = START + timedelta(days=draw(days))  # staff may date a payment before the invoice
            entries.append(ledger.Entry("payment", paid_day, amount, f"inv-{n}", f"INV-{n:06d}", order=m))
            open_amount -= amount
            if draw(st.booleans()):
                refund = min(draw(cents), amount)
                entries.append(ledger.Entry("refund", paid_day + timedelta(days=draw(st.integers(0, 30))), refund,
                                            f"inv-{n}", f"INV-{n:06d}", order=m))
                open_amount += refund
    return entries


@settings(max_examples=150, deadline=None)
@given(books(), days, st.integers(min_value=0, max_value=200))
def test_closing_balance_and_ageing_agree_with_the_entries_to_the_cent(entries, start_offset, length):
    date_from = START + timedelta(days=start_offset)
    date_to = date_from + timedelta(days=length)
    result = ledger.statement(entries, date_from, date_to)
    assert result["closing_balance"] == (result["opening_balance"] + result["invoiced"] - result["paid"]
                                         + result["refunded"])
    # what the entries say directly, without the ledger
    up_to_end = [e for e in entries if e.date <= date_to]
    assert result["closing_balance"] == sum((e.signed for e in up_to_end), Decimal(0))
    assert result["opening_balance"] == sum((e.signed for e in up_to_end if e.date < date_from), Decimal(0))
    assert sum(result["ageing"].values(), Decimal(0)) == result["closing_balance"]
    running = result["opening_balance"]
    for entry, signed, balance in result["lines"]:
        assert date_from <= entry.date <= date_to
        running += signed
        assert balance == running
    assert running == result["closing_balance"]
    assert [line[0].date for line in result["lines"]] == sorted(line[0].date for line in result["lines"])


def test_ageing_buckets_by_days_past_due_on_the_end_date():
    end = date(2026, 6, 30)
    entries = [ledger.Entry("invoice", date(2026, 6, 1), Decimal("10.00"), "a", due_date=end),                 # current
               ledger.Entry("invoice", date(2026, 5, 1), Decimal("20.00"), "b", due_date=end - timedelta(1)),  # 1-30
               ledger.Entry("invoice", date(2026, 4, 1), Decimal("30.00"), "c", due_date=end - timedelta(31)),
               ledger.Entry("invoice", date(2026, 3, 1), Decimal("40.00"), "d", due_date=end - timedelta(90)),
               ledger.Entry("invoice", date(2026, 1, 1), Decimal("50.00"), "e", due_date=end - timedelta(91)),
               ledger.Entry("payment", date(2026, 6, 2), Decimal("5.00"), "e")]
    ageing = ledger.as_json(ledger.statement(entries, date(2026, 6, 1), end), "USD")["ageing"]
    assert ageing == {"current": "10.00", "1_30": "20.00", "31_60": "30.00", "61_90": "40.00", "over_90": "45.00"}
