"""Input schemas (unknown fields, wrong types and oversized strings are 422) and output shapes."""
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from portico_kit.schemas import currency
from portico_kit.timeutil import iso
from portico_kit.validation import EmailField, StrictBoolean, StrictSchema, plain_name, text

from . import money
from .status import invoice_status, quote_status

PAYMENT_MODES = ("cash", "bank_transfer", "cheque", "card", "other")
BILLING_METHODS = ("fixed_cost", "hourly")


class DecimalString(fields.Field):
    """A decimal as a string (a JSON number is taken through its shortest repr); never a float."""

    def __init__(self, places=2, minimum=Decimal(0), maximum=None, positive=False, example=None, **kwargs):
        super().__init__(**kwargs)
        self.places, self.minimum, self.maximum, self.positive = places, minimum, maximum, positive
        self.example = example  # what a person is asked to type when it is not a number at all

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return money.parse_decimal(value, places=self.places, minimum=self.minimum,
                                       maximum=self.maximum, positive=self.positive)
        except ValueError as exc:
            message = str(exc)
            raise ValidationError(self.example if self.example and message == money.MONEY_EXAMPLE else message)


def money_field(positive=False, places=None, **kwargs):
    """An amount: its decimals are checked against the currency once that is known
    (money.check_digits: 422 invalid_amount); `places` caps them where no currency applies."""
    return DecimalString(places=places, maximum=money.MAX_MONEY, positive=positive,
                         example="Enter an amount like 12.50.", **kwargs)


def percent_field(**kwargs):
    return DecimalString(places=4, maximum=Decimal(100), example="Enter a percentage like 19 or 7.5.", **kwargs)


class StrictInteger(fields.Integer):
    """A JSON integer only: "5", 4.5 or true are refused rather than coerced."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be a whole number.")
        return value


class StrictDate(fields.Date):
    """YYYY-MM-DD as a string only."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) != 10:
            raise ValidationError("A date as YYYY-MM-DD.")
        return super()._deserialize(value, attr, data, **kwargs)


class LineItemSchema(StrictSchema):
    description = text(2000, required=True, allow_blank=False)
    quantity = DecimalString(places=4, positive=True, maximum=Decimal("99999999"), required=True,
                             example="Enter a quantity like 2 or 1.5.")
    rate = money_field(required=True)
    discount = percent_field(allow_none=True)
    tax_rate = percent_field(allow_none=True)


def _lines(**kwargs):
    return fields.List(fields.Nested(LineItemSchema), validate=validate.Length(
        min=1, max=200, error="Between 1 and 200 line items."), **kwargs)


class InvoiceSchema(StrictSchema):
    customer_id = text(36, required=True, allow_blank=False)
    date = StrictDate(allow_none=True)
    due_date = StrictDate(allow_none=True)
    currency = currency(allow_none=True)
    line_items = _lines(required=True)
    notes = text(5000, allow_none=True)


class QuoteSchema(StrictSchema):
    customer_id = text(36, required=True, allow_blank=False)
    date = StrictDate(allow_none=True)
    expiry_date = StrictDate(allow_none=True)
    currency = currency(allow_none=True)
    line_items = _lines(required=True)
    notes = text(5000, allow_none=True)


class ReasonSchema(StrictSchema):
    reason = text(1000, allow_none=True)


class CommentSchema(StrictSchema):
    text = text(5000, required=True, allow_blank=False)


class RecordPaymentSchema(StrictSchema):
    customer_id = text(36, required=True, allow_blank=False)
    invoice_id = text(36, required=True, allow_blank=False)
    amount = money_field(positive=True, required=True)
    date = StrictDate(allow_none=True)
    mode = fields.String(required=True, validate=validate.OneOf(PAYMENT_MODES))
    reference = text(200, allow_none=True)
    request_review = StrictBoolean(allow_none=True)


class CardSchema(StrictSchema):
    # shapes only: check_card (processor.py) judges the values as 422 invalid_card
    number = text(40, required=True)
    exp_month = StrictInteger(required=True)
    exp_year = StrictInteger(required=True)
    cvc = text(10, required=True)


class PayInvoiceSchema(StrictSchema):
    amount = money_field(positive=True, allow_none=True)
    card = fields.Nested(CardSchema, required=True)


class PaymentIntentSchema(StrictSchema):
    """A Stripe payment: the card is a PaymentMethod id (from Stripe.js or a saved card)."""
    amount = money_field(positive=True, allow_none=True)
    payment_method_id = text(100, required=True, allow_blank=False)
    save_card = StrictBoolean(allow_none=True)


class AutopaySchema(StrictSchema):
    enabled = StrictBoolean(required=True)
    payment_method_id = text(100, allow_none=True)


class RefundSchema(StrictSchema):
    amount = money_field(positive=True, allow_none=True)  # absent: all that is left of the payment
    reason = text(500, allow_none=True)


class ForwardSchema(StrictSchema):
    email = EmailField(required=True)
    # shown in an email sent in the business's name: short, plain text, never a link
    name = text(100, required=True, allow_blank=False, validate_also=[plain_name])


class ProjectSchema(StrictSchema):
    customer_id = text(36, required=True, allow_blank=False)
    name = text(200, required=True, allow_blank=False)
    description = text(5000, allow_none=True)
    billing_method = fields.String(required=True, validate=validate.OneOf(BILLING_METHODS))
    # a project has no currency of its own: its rates hold what storage holds
    fixed_cost = money_field(allow_none=True, places=money.MAX_DIGITS)
    hourly_rate = money_field(allow_none=True, places=money.MAX_DIGITS)
    budget_hours = DecimalString(places=2, maximum=Decimal("99999999"), allow_none=True, example="Enter hours like 1.5.")


class TimeEntrySchema(StrictSchema):
    date = StrictDate(required=True)
    hours = DecimalString(places=2, positive=True, maximum=Decimal(24), required=True,
                          example="Enter hours like 1.5.")
    description = text(2000, allow_none=True)
    billable = StrictBoolean(required=True)
    billed = StrictBoolean(allow_none=True)


# -- output shapes ---------------------------------------------------------------------------------

def _day(value):
    return value.isoformat() if value is not None else None


def line_dict(line, currency):
    return {"id": line.id, "description": line.description, "quantity": money.format_plain(line.quantity),
            "rate": money.fmt(line.rate, currency), "discount": money.format_plain(line.discount or 0),
            "tax_rate": money.format_plain(line.tax_rate or 0), "amount": money.fmt(line.amount, currency),
            "tax_amount": money.fmt(line.tax_amount, currency)}


def _document_common(doc):
    return {"id": doc.id, "number": doc.number, "customer_id": doc.customer_id,
            "customer_name": doc.customer_name, "date": _day(doc.date), "currency": doc.currency,
            "line_items": [line_dict(line, doc.currency) for line in doc.line_items], "notes": doc.notes or "",
            "subtotal": money.fmt(doc.subtotal, doc.currency), "tax_total": money.fmt(doc.tax_total, doc.currency),
            "total": money.fmt(doc.total, doc.currency), "sent_at": iso(doc.sent_at), "created_at": iso(doc.created_at),
            "updated_at": iso(doc.updated_at), **views_of(doc)}


def views_of(doc):
    """When and by whom a customer contact looked at the document (first and last), how often."""
    first = {"name": doc.viewed_by_name, "contact_id": doc.viewed_by_contact_id} if doc.viewed_at else None
    last = {"name": doc.last_viewed_by_name} if doc.last_viewed_at else None
    return {"viewed_at": iso(doc.viewed_at), "last_viewed_at": iso(doc.last_viewed_at),
            "view_count": doc.view_count or 0, "viewed_by": first, "last_viewed_by": last}


def invoice_dict(invoice, day, with_payments=False):
    result = dict(_document_common(invoice), type="invoice", status=invoice_status(invoice, day),
                  due_date=_day(invoice.due_date), amount_paid=money.fmt(invoice.amount_paid, invoice.currency),
                  balance_due=money.fmt(invoice.balance_due, invoice.currency), quote_id=invoice.quote_id,
                  voided_at=iso(invoice.voided_at))
    if with_payments:
        result["payments"] = [payment_dict(p) for p in invoice.payments]
    return result


def quote_dict(quote, day):
    return dict(_document_common(quote), type="quote", status=quote_status(quote, day),
                expiry_date=_day(quote.expiry_date), invoice_id=quote.invoice_id,
                decline_reason=quote.decline_reason, accepted_at=iso(quote.accepted_at),
                declined_at=iso(quote.declined_at))


def payment_dict(payment):
    card = {"brand": payment.card_brand, "last4": payment.card_last4} if payment.card_last4 else None
    return {"id": payment.id, "invoice_id": payment.invoice_id, "invoice_number": payment.invoice_number,
            "customer_id": payment.customer_id, "customer_name": payment.customer_name,
            "amount": money.fmt(payment.amount, payment.currency), "currency": payment.currency, "date": _day(payment.date),
            "mode": payment.mode, "reference": payment.reference or "", "source": payment.source,
            "card": card, "provider": payment.provider, "created_at": iso(payment.created_at),
            "amount_refunded": money.fmt(payment.amount_refunded or 0, payment.currency),
            "refunds": [refund_dict(r) for r in payment.refunds if r.status != "failed"]}


def refund_dict(refund):
    return {"id": refund.id, "payment_id": refund.payment_id, "invoice_id": refund.invoice_id,
            "amount": money.fmt(refund.amount, refund.currency), "currency": refund.currency,
            "status": refund.status, "reason": refund.reason or "", "source": refund.source,
            "date": _day(refund.date), "created_at": iso(refund.created_at)}


def comment_dict(comment):
    return {"id": comment.id, "text": comment.text,
            "author": {"kind": comment.author_kind, "name": comment.author_name},
            "created_at": iso(comment.created_at)}


def hours_of(project):
    """(logged, billed, unbilled) hours: unbilled counts billable entries not billed yet."""
    logged = sum((Decimal(e.hours) for e in project.time_entries), Decimal(0))
    billed = sum((Decimal(e.hours) for e in project.time_entries if e.billed), Decimal(0))
    unbilled = sum((Decimal(e.hours) for e in project.time_entries if e.billable and not e.billed), Decimal(0))
    return logged, billed, unbilled


def project_dict(project):
    logged, billed, unbilled = hours_of(project)

    def optional_money(value):
        return money.fmt(value, None) if value is not None else None
    return {"id": project.id, "customer_id": project.customer_id, "customer_name": project.customer_name,
            "name": project.name, "description": project.description or "",
            "billing_method": project.billing_method, "fixed_cost": optional_money(project.fixed_cost),
            "hourly_rate": optional_money(project.hourly_rate),
            "budget_hours": money.format_plain(project.budget_hours),
            "logged_hours": money.format_plain(logged), "billed_hours": money.format_plain(billed),
            "unbilled_hours": money.format_plain(unbilled), "created_at": iso(project.created_at),
            "updated_at": iso(project.updated_at)}


def time_entry_dict(entry):
    return {"id": entry.id, "project_id": entry.project_id, "date": _day(entry.date),
            "hours": money.format_plain(entry.hours), "description": entry.description or "",
            "billable": entry.billable, "billed": entry.billed, "created_at": iso(entry.created_at)}
