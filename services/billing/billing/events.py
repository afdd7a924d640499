"""Events billing publishes, their `data` exactly as docs/events.md specifies (notifications and
portal consume these shapes). Billing consumes no events."""
from portico_kit.timeutil import iso

from . import money
from .schemas import comment_dict
from .status import invoice_status, quote_status

INVOICE_SENT = "invoice_sent"
INVOICE_VOIDED = "invoice_voided"
QUOTE_SENT = "quote_sent"
QUOTE_ACCEPTED = "quote_accepted"
QUOTE_DECLINED = "quote_declined"
COMMENT_ADDED = "comment_added"
PAYMENT_RECORDED = "payment_recorded"
PAYMENT_REFUNDED = "payment_refunded"
AUTOPAY_FAILED = "autopay_failed"
CARD_EXPIRING = "card_expiring"
DOCUMENT_FORWARDED = "document_forwarded"
INVOICE_VIEWED = "invoice_viewed"
QUOTE_VIEWED = "quote_viewed"
STATEMENT_SENT = "statement_sent"


def customer_ref(doc):
    return {"id": doc.customer_id, "display_name": doc.customer_name}


def invoice_ref(invoice, day):
    return {"id": invoice.id, "number": invoice.number, "customer_id": invoice.customer_id,
            "date": invoice.date.isoformat(), "due_date": invoice.due_date.isoformat(),
            "total": money.fmt(invoice.total, invoice.currency),
            "balance_due": money.fmt(invoice.balance_due, invoice.currency),
            "currency": invoice.currency, "status": invoice_status(invoice, day)}


def quote_ref(quote, day):
    return {"id": quote.id, "number": quote.number, "customer_id": quote.customer_id,
            "date": quote.date.isoformat(), "expiry_date": quote.expiry_date.isoformat(),
            "total": money.fmt(quote.total, quote.currency), "currency": quote.currency, "status": quote_status(quote, day)}


def document_ref(doc_type, doc, day):
    status = invoice_status(doc, day) if doc_type == "invoice" else quote_status(doc, day)
    return {"type": doc_type, "id": doc.id, "number": doc.number, "customer_id": doc.customer_id,
            "total": money.fmt(doc.total, doc.currency), "currency": doc.currency, "status": status}


def invoice_payload(invoice, day):
    """invoice_sent and invoice_voided."""
    return {"invoice": invoice_ref(invoice, day), "customer": customer_ref(invoice)}


def quote_payload(quote, day, reason=None, with_reason=False):
    """quote_sent, quote_accepted; quote_declined adds `reason`."""
    data = {"quote": quote_ref(quote, day), "customer": customer_ref(quote)}
    if with_reason:
        data["reason"] = reason
    return data


def comment_payload(doc_type, doc, comment, day):
    return {"document": document_ref(doc_type, doc, day), "comment": comment_dict(comment),
            "customer": customer_ref(doc)}


def payment_payload(payment, invoice, day, request_review=False):
    return {"payment": {"id": payment.id, "invoice_id": payment.invoice_id, "customer_id": payment.customer_id,
                        "amount": money.fmt(payment.amount, payment.currency), "currency": payment.currency,
                        "date": payment.date.isoformat(), "mode": payment.mode,
                        "reference": payment.reference or "", "source": payment.source},
            "invoice": {"id": invoice.id, "number": invoice.number,
                        "total": money.fmt(invoice.total, invoice.currency),
                        "balance_due": money.fmt(invoice.balance_due, invoice.currency), "currency": invoice.currency, "status": invoice_status(invoice, day)},
            "customer": customer_ref(invoice), "request_review": bool(request_review)}


def refund_payload(refund, payment, invoice, day):
    """payment_refunded: money given back on a payment (by staff, or in Stripe's dashboard)."""
    return {"refund": {"id": refund.id, "payment_id": payment.id, "amount": money.fmt(refund.amount, refund.currency),
                       "currency": refund.currency, "date": refund.date.isoformat(), "reason": refund.reason or "",
                       "source": refund.source, "status": refund.status},
            "payment": {"id": payment.id, "amount": money.fmt(payment.amount, payment.currency),
                        "amount_refunded": money.fmt(payment.amount_refunded, payment.currency),
                        "currency": payment.currency, "date": payment.date.isoformat(), "mode": payment.mode},
            "invoice": {"id": invoice.id, "number": invoice.number,
                        "total": money.fmt(invoice.total, invoice.currency),
                        "balance_due": money.fmt(invoice.balance_due, invoice.currency), "currency": invoice.currency,
                        "status": invoice_status(invoice, day)},
            "customer": customer_ref(invoice)}


def forwarded_payload(doc_type, doc, link, view_url, day):
    return {"document": document_ref(doc_type, doc, day), "customer": customer_ref(doc),
            "recipient": {"name": link.recipient_name, "email": link.recipient_email,
                          "contact_id": link.contact_id},
            "view_url": view_url, "expires_at": iso(link.expires_at)}


def viewed_payload(doc_type, doc, channel, day):
    """invoice_viewed / quote_viewed: the first view by a customer contact only."""
    ref = invoice_ref(doc, day) if doc_type == "invoice" else quote_ref(doc, day)
    return {doc_type: ref, "document": document_ref(doc_type, doc, day), "customer": customer_ref(doc),
            "view": {"channel": channel, "at": iso(doc.viewed_at)}}


def statement_payload(statement, customer, recipients_note=None):
    """statement_sent: staff emailed the statement of account; notifications renders and attaches it."""
    summary = {k: statement[k] for k in ("customer_id", "currency", "from", "to", "opening_balance", "invoiced",
                                         "paid", "refunded", "closing_balance", "ageing")}
    return {"statement": summary, "customer": customer}
