"""The customer's documents in the portal: sent invoices and quotes, paying, accepting, commenting,
forwarding, payments and projects. Billing filters everything to the signed-in customer."""
from flask import Blueprint, g, jsonify, redirect, request, url_for

from ..auth import portal_api
from ..calls import call, json_body, page_args
from ..errors import ApiError
from ..idempotency import own_idempotency, request_key
from .billing import listing

bp = Blueprint("api_portal_billing", __name__, url_prefix="/portal/<portal_name>/api/v1")

DOCUMENTS = {"invoice": ("invoices", "list_invoices", "get_invoice"),
             "quote": ("quotes", "list_quotes", "get_quote")}
MAX_KEY_LENGTH = 255


def idempotency_key():
    """Required on payments: a retried or double-clicked payment must charge once."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise ApiError(400, "idempotency_key_required",
                       "Send an Idempotency-Key header (a unique value per payment, reused when retrying).")
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(400, "invalid_idempotency_key",
                       f"The Idempotency-Key must be printable and at most {MAX_KEY_LENGTH} characters.")
    return key


def _register(doc_type, path, list_method, get_method):
    @portal_api
    def list_documents(portal_name):
        page, per_page = page_args()
        return jsonify(call("billing", list_method, g.actor, status=request.args.get("status") or None,
                            page=page, per_page=per_page))

    @portal_api
    def get_document(portal_name, doc_id):
        return jsonify(call("billing", get_method, g.actor, doc_id, view="api"))  # counts as a view

    @portal_api
    def list_comments(portal_name, doc_id):
        return jsonify(listing(call("billing", "list_comments", g.actor, doc_type, doc_id)))

    @portal_api
    def add_comment(portal_name, doc_id):
        keyed = (request_key(),) if request_key() is not None else ()  # billing posts it once per key
        return jsonify(call("billing", "add_comment", g.actor, doc_type, doc_id, json_body(), *keyed)), 201

    @portal_api
    def forward(portal_name, doc_id):
        return jsonify(call("billing", "forward_document", g.actor, doc_type, doc_id, json_body()))

    base = f"/{path}"
    for suffix, verb, view, methods in [("", "list", list_documents, ["GET"]),
                                        ("/<doc_id>", "get", get_document, ["GET"]),
                                        ("/<doc_id>/comments", "comments", list_comments, ["GET"]),
                                        ("/<doc_id>/comments", "comment", add_comment, ["POST"]),
                                        ("/<doc_id>/forward", "forward", forward, ["POST"])]:
        bp.add_url_rule(base + suffix, f"{doc_type}_{verb}", view, methods=methods)


for _doc_type, (_path, _list, _get) in DOCUMENTS.items():
    _register(_doc_type, _path, _list, _get)


@bp.post("/invoices/<invoice_id>/payments")
@portal_api
@own_idempotency
def pay_invoice(portal_name, invoice_id):
    key = idempotency_key()
    return jsonify(call("billing", "pay_invoice", g.actor, invoice_id, json_body(), key)), 201


@bp.get("/payment-config")
@portal_api
def payment_config(portal_name):
    return jsonify(call("billing", "payment_config", g.actor))


@bp.post("/setup-intents")
@portal_api
def create_setup_intent(portal_name):
    return jsonify(call("billing", "create_setup_intent", g.actor)), 201


@bp.post("/invoices/<invoice_id>/payment-intents")
@portal_api
@own_idempotency
def create_payment_intent(portal_name, invoice_id):
    """Stripe: created and confirmed by billing in one call (see billing/online_payments.py)."""
    key = idempotency_key()
    return jsonify(call("billing", "create_payment_intent", g.actor, invoice_id, json_body(), key)), 201


@bp.get("/payment-intents/<intent_id>")
@portal_api
def payment_intent(portal_name, intent_id):
    """Back on the page (after 3-D Secure): billing asks Stripe and settles the payment."""
    return jsonify(call("billing", "refresh_payment_intent", g.actor, intent_id))


@bp.get("/payment-methods")
@portal_api
def list_payment_methods(portal_name):
    return jsonify(call("billing", "list_payment_methods", g.actor))


@bp.delete("/payment-methods/<method_id>")
@portal_api
def delete_payment_method(portal_name, method_id):
    return jsonify(call("billing", "delete_payment_method", g.actor, method_id))


@bp.get("/autopay")
@portal_api
def get_autopay(portal_name):
    return jsonify(call("billing", "get_autopay", g.actor))


@bp.put("/autopay")
@portal_api
def set_autopay(portal_name):
    return jsonify(call("billing", "set_autopay", g.actor, json_body()))


@bp.post("/quotes/<quote_id>/accept")
@portal_api
def accept_quote(portal_name, quote_id):
    return jsonify(call("billing", "accept_quote", g.actor, quote_id, json_body(allow_empty=True)))


@bp.post("/quotes/<quote_id>/decline")
@portal_api
def decline_quote(portal_name, quote_id):
    return jsonify(call("billing", "decline_quote", g.actor, quote_id, json_body(allow_empty=True)))


@bp.get("/payments")
@portal_api
def list_payments(portal_name):
    page, per_page = page_args()
    return jsonify(call("billing", "list_payments", g.actor, page=page, per_page=per_page))


@bp.get("/summary")
@portal_api
def summary(portal_name):
    return jsonify(call("billing", "customer_summary", g.actor))


@bp.get("/projects")
@portal_api
def list_projects(portal_name):
    page, per_page = page_args()
    return jsonify(call("billing", "list_projects", g.actor, page=page, per_page=per_page))


@bp.get("/projects/<project_id>")
@portal_api
def get_project(portal_name, project_id):
    return jsonify(call("billing", "get_project", g.actor, project_id))


@bp.get("/projects/<project_id>/time-entries")
@portal_api
def list_time_entries(portal_name, project_id):
    return jsonify(listing(call("billing", "list_time_entries", g.actor, project_id)))


@bp.get("/shared/<token>")
def shared_document(portal_name, token):
    """A forwarded document, read-only, for whoever holds the link (it signs nobody in). The token
    says whose it is: under another portal's name (one renamed since), 308 to its own."""
    shared = call("billing", "get_shared_document", portal_name, token)
    own = shared.get("portal_name") or portal_name
    if own.lower() != portal_name.lower():
        return redirect(url_for("api_portal_billing.shared_document", portal_name=own, token=token), 308)
    return jsonify(shared)
