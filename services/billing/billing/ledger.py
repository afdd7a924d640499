"""The arithmetic of a statement of account, on plain values (the property test drives it directly).

Every entry belongs to an invoice: the invoice itself (+ its total), a payment against it (−), or a
refund of such a payment (+). So:
- opening = Σ entries dated before the period; each line of the period moves the running balance;
  closing = opening + invoiced − paid + refunded;
- ageing: what is open at the end, per invoice (its total − its payments + its refunds up to the
  end date), bucketed by days past its due date on that end date. Money paid against an invoice
  dated after the period is a credit in "current". The buckets therefore add up to the closing
  balance to the cent.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from . import money

BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")
KIND_ORDER = {"invoice": 0, "payment": 1, "refund": 2}
SIGN = {"invoice": 1, "payment": -1, "refund": 1}


@dataclass
class Entry:
    kind: str            # invoice | payment | refund
    date: object         # datetime.date
    amount: Decimal      # positive; the kind gives the sign
    invoice_id: str
    number: str = ""
    description: str = ""
    due_date: object = None  # invoices
    order: object = ""       # tie-break within a day (creation time)
    ref: dict = field(default_factory=dict)

    @property
    def signed(self):
        return SIGN[self.kind] * Decimal(self.amount)


def bucket(days_past_due):
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1_30"
    if days_past_due <= 60:
        return "31_60"
    if days_past_due <= 90:
        return "61_90"
    return "over_90"


def statement(entries, date_from, date_to):
    """{opening_balance, invoiced, paid, refunded, closing_balance, lines, ageing} as Decimals/dicts."""
    entries = [e for e in entries if e.date <= date_to]
    opening = sum((e.signed for e in entries if e.date < date_from), Decimal(0))
    period = sorted((e for e in entries if e.date >= date_from),
                    key=lambda e: (e.date, KIND_ORDER[e.kind], str(e.order), e.number))
    totals = {kind: sum((Decimal(e.amount) for e in period if e.kind == kind), Decimal(0)) for kind in SIGN}
    balance, lines = opening, []
    for entry in period:
        balance += entry.signed
        lines.append((entry, entry.signed, balance))
    closing = opening + totals["invoice"] - totals["payment"] + totals["refund"]
    ageing = {name: Decimal(0) for name in BUCKETS}
    invoices = {e.invoice_id: e for e in entries if e.kind == "invoice"}
    open_amounts = {}
    for entry in entries:
        open_amounts[entry.invoice_id] = open_amounts.get(entry.invoice_id, Decimal(0)) + entry.signed
    for invoice_id, amount in open_amounts.items():
        invoice = invoices.get(invoice_id)
        name = bucket((date_to - invoice.due_date).days) if invoice is not None and invoice.due_date else "current"
        ageing[name] += amount
    return {"opening_balance": opening, "invoiced": totals["invoice"], "paid": totals["payment"],
            "refunded": totals["refund"], "closing_balance": closing, "lines": lines, "ageing": ageing}


def as_json(result, currency):
    """Money as the API shows it (in the currency's own decimals); each line as API.md's statement line."""
    lines = [dict(entry.ref, date=entry.date.isoformat(), kind=entry.kind, number=entry.number,
                  description=entry.description, amount=money.fmt(signed, currency), balance=money.fmt(balance, currency))
             for entry, signed, balance in result["lines"]]
    out = {name: money.fmt(result[name], currency) for name in ("opening_balance", "invoiced", "paid", "refunded",
                                                      "closing_balance")}
    out["lines"] = lines
    out["ageing"] = {name: money.fmt(value, currency) for name, value in result["ageing"].items()}
    return out
