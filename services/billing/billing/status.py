"""Statuses that depend on the date: `overdue` invoices and `expired` quotes are computed when read.

Stored statuses: invoice draft|sent|partially_paid|paid|void; quote draft|sent|accepted|declined|
invoiced. `today` is the organization's day when the actor carries its time zone, else UTC's.
"""
from sqlalchemy import and_, false, or_

from portico_kit.timeutil import today_in

from .models import Invoice, Quote

INVOICE_STATUSES = ("draft", "sent", "partially_paid", "paid", "overdue", "void")
QUOTE_STATUSES = ("draft", "sent", "accepted", "declined", "expired", "invoiced")
OPEN_INVOICE = ("sent", "partially_paid")  # what can become overdue, and what can be paid


def today(actor=None):
    return today_in((actor or {}).get("org_timezone"))


def invoice_status(invoice, day):
    if invoice.status in OPEN_INVOICE and invoice.due_date is not None and invoice.due_date < day:
        return "overdue"
    return invoice.status


def quote_status(quote, day):
    if quote.status == "sent" and quote.expiry_date is not None and quote.expiry_date < day:
        return "expired"
    return quote.status


def invoice_status_filter(status, day):
    """The SQL condition matching invoices whose computed status is `status`."""
    if status == "overdue":
        return and_(Invoice.status.in_(OPEN_INVOICE), Invoice.due_date < day)
    if status in OPEN_INVOICE:
        return and_(Invoice.status == status, or_(Invoice.due_date.is_(None), Invoice.due_date >= day))
    if status in INVOICE_STATUSES:
        return Invoice.status == status
    return false()


def quote_status_filter(status, day):
    if status == "expired":
        return and_(Quote.status == "sent", Quote.expiry_date < day)
    if status == "sent":
        return and_(Quote.status == "sent", or_(Quote.expiry_date.is_(None), Quote.expiry_date >= day))
    if status in QUOTE_STATUSES:
        return Quote.status == status
    return false()
