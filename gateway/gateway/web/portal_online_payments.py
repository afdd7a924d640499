"""The Pay page's Stripe calls (static/stripe_pay.js), and saved cards and autopay on the payments page.

The page is signed in by its session cookie, so these are page routes (CSRF token in the
X-CSRFToken header) answering JSON; billing does the work exactly as for the portal API. Each
payment attempt in the browser carries its own Idempotency-Key: a double click pays once, a retry
with another card after a decline is a new attempt.
"""
from flask import Blueprint, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import portal_page
from ..calls import call

bp = Blueprint("portal_online_payments", __name__, url_prefix="/portal/<portal_name>")


def json_call(method, *args, status=200):
    """billing's answer as JSON, or its refusal in the API's error format (the script shows the message)."""
    try:
        return jsonify(call("billing", method, g.actor, *args)), status
    except ServiceError as exc:
        if exc.status >= 500 and exc.status not in (502, 503, 504):
            raise
        return jsonify(exc.to_dict()), exc.status


@bp.post("/pay/setup-intent")
@portal_page
def setup_intent(portal_name):
    return json_call("create_setup_intent", status=201)


@bp.post("/invoices/<invoice_id>/pay/intent")
@portal_page
def payment_intent(portal_name, invoice_id):
    body = request.get_json(silent=True) or {}
    key = (request.headers.get("Idempotency-Key") or "").strip()[:255]
    data = {"payment_method_id": str(body.get("payment_method_id") or ""), "save_card": bool(body.get("save_card"))}
    if body.get("amount") not in (None, ""):
        data["amount"] = str(body["amount"])
    return json_call("create_payment_intent", invoice_id, data, key, status=201)


@bp.get("/pay/intents/<intent_id>")
@portal_page
def refresh_intent(portal_name, intent_id):
    return json_call("refresh_payment_intent", intent_id)


@bp.post("/payment-methods/<method_id>/delete")
@portal_page
def delete_card(portal_name, method_id):
    try:
        call("billing", "delete_payment_method", g.actor, method_id)
        flash(gettext("The card was removed."))
    except ServiceError as exc:
        if exc.status >= 500:
            raise
        flash(exc.message, "error")
    return redirect(url_for("portal_billing.payments", portal_name=portal_name) + "#saved-cards")


@bp.post("/autopay")
@portal_page
def autopay(portal_name):
    enabled = request.form.get("enabled") == "on"
    try:
        call("billing", "set_autopay", g.actor, {"enabled": enabled,
                                                  "payment_method_id": request.form.get("payment_method_id") or None})
        flash(gettext("Autopay is on.") if enabled else gettext("Autopay is off."))
    except ServiceError as exc:
        if exc.status >= 500:
            raise
        flash(exc.message, "error")
    return redirect(url_for("portal_billing.payments", portal_name=portal_name) + "#autopay")
