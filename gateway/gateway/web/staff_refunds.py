"""Staff pages for one payment and its refunds, on the staff_billing blueprint.

Refunding takes two steps, plain forms without script: the payment page's form (amount, reason)
asks billing what the refund would do (`preview_refund`: how much, through Stripe or recorded, or
the very refusal the refund would get), a confirmation page says so, and only its button refunds.
That button carries an idempotency key made for the page, so a double click refunds once. Billing's
refusals are shown in the reader's language by their error code (the API answers the same codes).
"""
import uuid
from decimal import Decimal, InvalidOperation

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from portico_kit.errors import ServiceError
from portico_kit.money import currency_digits

from ..auth import staff_page
from ..calls import call
from .filters import money
from .forms import field_errors
# Not imported as `bp`: the app registers every web module's `bp`, and this one is staff_billing's.
from .staff_billing import bp as billing_bp
from .staff_billing import user_error


def refundable(payment):
    try:
        return Decimal(payment["amount"]) - Decimal(payment.get("amount_refunded") or 0)
    except (InvalidOperation, TypeError):
        return Decimal(0)


def refund_body(form):
    body = {}
    amount = (form.get("amount") or "").strip()
    reason = (form.get("reason") or "").strip()
    if amount:
        body["amount"] = amount
    if reason:
        body["reason"] = reason
    return body


def refund_errors(exc, payment):
    """Billing's refusal next to the field it names, in the reader's language by its code."""
    errors = field_errors(exc)
    currency = payment["currency"]
    if exc.code == "amount_exceeds_refundable":
        left = money(str(refundable(payment)), currency)
        errors = {"_form": gettext("At most %(amount)s of this payment can be refunded.", amount=left),
                  "amount": gettext("At most %(amount)s.", amount=left)}
    elif exc.code == "invalid_amount":
        digits = currency_digits(currency)
        message = (gettext("%(currency)s amounts have no decimals.", currency=currency) if not digits else
                   ngettext("%(currency)s amounts have at most %(num)d decimal.",
                            "%(currency)s amounts have at most %(num)d decimals.", digits, currency=currency))
        errors = {"_form": message, "amount": message}
    elif exc.code == "validation_failed":
        if "amount" in errors:
            errors["amount"] = gettext("Enter an amount above zero, such as %(example)s.",
                                       example=money("10", currency))
        if "reason" in errors:
            errors["reason"] = gettext("At most 500 characters.")
        errors.pop("_form", None)
    elif exc.code == "payment_not_found":
        errors = {"_form": gettext("This payment was not found.")}
    return errors


def payment_page(payment_id, errors=None, form=None, status=200):
    payment = call("billing", "get_payment", g.actor, payment_id)
    left = refundable(payment)
    form = form if form is not None else {"amount": str(left) if left > 0 else ""}
    return render_template("staff/billing/payment.html", payment=payment, refundable=left, form=form,
                           errors=errors or {}), status


@billing_bp.get("/payments/<payment_id>")
@staff_page
def payment(payment_id):
    return payment_page(payment_id)


@billing_bp.post("/payments/<payment_id>/refund")
@staff_page
def refund(payment_id):
    """Without `confirmed`: the confirmation page (or the refusal); with it: the refund."""
    body = refund_body(request.form)
    payment = call("billing", "get_payment", g.actor, payment_id)
    try:
        if request.form.get("confirmed") != "1":
            preview = call("billing", "preview_refund", g.actor, payment_id, body)
            return render_template("staff/billing/refund_confirm.html", payment=payment, preview=preview,
                                   reason=body.get("reason", ""), key=str(uuid.uuid4()))
        key = (request.form.get("idempotency_key") or "").strip()[:255] or None
        made = call("billing", "refund_payment", g.actor, payment_id, body, key)
    except ServiceError as exc:
        if not user_error(exc) and exc.status != 404:
            raise
        return payment_page(payment_id, refund_errors(exc, payment), request.form, 404 if exc.status == 404 else 422)
    if made["status"] == "failed":
        flash(gettext("Stripe did not make the refund of %(amount)s; nothing was refunded.",
                      amount=money(made["amount"], made["currency"])), "error")
    elif made["status"] == "pending":
        flash(gettext("Refund of %(amount)s requested from Stripe; it shows as pending until Stripe confirms it.",
                      amount=money(made["amount"], made["currency"])))
    else:
        flash(gettext("Refund of %(amount)s made. The customer is emailed.",
                      amount=money(made["amount"], made["currency"])))
    return redirect(url_for("staff_billing.payment", payment_id=payment_id) + "#refunds-heading")
