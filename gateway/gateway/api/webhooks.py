"""Webhooks from payment processors. No session or token: Stripe signs each event, and billing (which
holds the webhook secret) verifies the raw body against `Stripe-Signature` before believing any of it."""
from flask import Blueprint, jsonify, request

from ..calls import call

bp = Blueprint("webhooks", __name__)
MAX_EVENT_BYTES = 512 * 1024  # Stripe's events are a few kB


@bp.post("/webhooks/stripe")
def stripe_webhook():
    payload = request.get_data(cache=False, as_text=False)[:MAX_EVENT_BYTES + 1]
    if len(payload) > MAX_EVENT_BYTES:
        return jsonify({"error": {"code": "invalid_signature", "message": "The event is too large."}}), 400
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return jsonify({"error": {"code": "invalid_signature", "message": "The event is not UTF-8."}}), 400
    return jsonify(call("billing", "stripe_webhook", text, request.headers.get("Stripe-Signature", "")))
