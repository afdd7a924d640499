"""Staff billing API: invoices, quotes, comments, payments, projects and time entries.

Invoices and quotes share one shape of routes (API.md: "as invoices"), so both are registered
from the same view functions with the document type bound in.
"""
from flask import Blueprint, g, jsonify, request

from ..auth import staff_api
from ..calls import call, json_body, page_args
from ..idempotency import own_idempotency, request_key

bp = Blueprint("api_billing", __name__, url_prefix="/api/v1")

# document type -> the RPC names of its verbs
DOCUMENTS = {
    "invoice": {"path": "invoices", "list": "list_invoices", "create": "create_invoice", "get": "get_invoice",
                "update": "update_invoice", "delete": "delete_invoice", "send": "send_invoice"},
    "quote": {"path": "quotes", "list": "list_quotes", "create": "create_quote", "get": "get_quote",
              "update": "update_quote", "delete": "delete_quote", "send": "send_quote"},
}


def listing(items):
    """An unpaged list in the API's list shape."""
    return {"items": items, "page": 1, "per_page": len(items), "total": len(items)}


def _register(doc_type, names):
    base = f"/{names['path']}"

    @staff_api
    def list_documents():
        page, per_page = page_args()
        return jsonify(call("billing", names["list"], g.actor, customer_id=request.args.get("customer_id") or None,
                            status=request.args.get("status") or None, search=request.args.get("search") or None,
                            page=page, per_page=per_page))

    @staff_api
    def create_document():
        return jsonify(call("billing", names["create"], g.actor, json_body())), 201

    @staff_api
    def get_document(doc_id):
        return jsonify(call("billing", names["get"], g.actor, doc_id))

    @staff_api
    def update_document(doc_id):
        return jsonify(call("billing", names["update"], g.actor, doc_id, json_body()))

    @staff_api
    def delete_document(doc_id):
        call("billing", names["delete"], g.actor, doc_id)
        return jsonify({"id": doc_id, "deleted": True})

    @staff_api
    def send_document(doc_id):
        json_body(allow_empty=True)
        return jsonify(call("billing", names["send"], g.actor, doc_id))

    @staff_api
    def list_comments(doc_id):
        return jsonify(listing(call("billing", "list_comments", g.actor, doc_type, doc_id)))

    @staff_api
    def add_comment(doc_id):
        keyed = (request_key(),) if request_key() is not None else ()  # billing posts it once per key
        return jsonify(call("billing", "add_comment", g.actor, doc_type, doc_id, json_body(), *keyed)), 201

    @staff_api
    def list_share_links(doc_id):
        return jsonify(listing(call("billing", "list_share_links", g.actor, doc_type, doc_id)["items"]))

    @staff_api
    def revoke_share_link(doc_id, link_id):
        json_body(allow_empty=True)
        return jsonify(call("billing", "revoke_share_link", g.actor, doc_type, doc_id, link_id))

    routes = [
        ("/<doc_id>/share-links", "share_links", list_share_links, ["GET"]),
        ("/<doc_id>/share-links/<link_id>/revoke", "revoke_share_link", revoke_share_link, ["POST"]),
        ("", "list", list_documents, ["GET"]),
        ("", "create", create_document, ["POST"]),
        ("/<doc_id>", "get", get_document, ["GET"]),
        ("/<doc_id>", "update", update_document, ["PATCH"]),
        ("/<doc_id>", "delete", delete_document, ["DELETE"]),
        ("/<doc_id>/send", "send", send_document, ["POST"]),
        ("/<doc_id>/comments", "comments", list_comments, ["GET"]),
        ("/<doc_id>/comments", "comment", add_comment, ["POST"]),
    ]
    for suffix, verb, view, methods in routes:
        bp.add_url_rule(base + suffix, f"{doc_type}_{verb}", view, methods=methods)


for _doc_type, _names in DOCUMENTS.items():
    _register(_doc_type, _names)


@bp.post("/invoices/<invoice_id>/void")
@staff_api
def void_invoice(invoice_id):
    json_body(allow_empty=True)
    return jsonify(call("billing", "void_invoice", g.actor, invoice_id))


@bp.post("/quotes/<quote_id>/convert")
@staff_api
def convert_quote(quote_id):
    json_body(allow_empty=True)
    return jsonify(call("billing", "convert_quote", g.actor, quote_id)), 201


@bp.get("/payments")
@staff_api
def list_payments():
    page, per_page = page_args()
    return jsonify(call("billing", "list_payments", g.actor, customer_id=request.args.get("customer_id") or None,
                        invoice_id=request.args.get("invoice_id") or None, page=page, per_page=per_page))


@bp.post("/payments")
@staff_api
def record_payment():
    """With an Idempotency-Key billing records the payment once, also when its first answer was lost."""
    key = request_key()
    keyed = (key,) if key is not None else ()
    return jsonify(call("billing", "record_payment", g.actor, json_body(), *keyed)), 201


@bp.post("/payments/<payment_id>/refunds")
@staff_api
@own_idempotency
def refund_payment(payment_id):
    """Through Stripe for a Stripe payment, recorded for the others; 422 amount_exceeds_refundable.
    Money leaves: billing keeps the Idempotency-Key with the refund itself (exactly once, also when
    two arrive at once), as card payments do; the same key again answers the first refund."""
    key = request_key()
    return jsonify(call("billing", "refund_payment", g.actor, payment_id, json_body(allow_empty=True), key)), 201


@bp.get("/payments/<payment_id>/refunds")
@staff_api
def list_refunds(payment_id):
    return jsonify(call("billing", "list_refunds", g.actor, payment_id=payment_id))


@bp.get("/customers/<customer_id>/billing-summary")
@staff_api
def customer_summary(customer_id):
    call("customers", "get_customer", g.actor, customer_id)  # another organization's customer: 404
    return jsonify(call("billing", "customer_summary", g.actor, customer_id))


@bp.get("/projects")
@staff_api
def list_projects():
    page, per_page = page_args()
    return jsonify(call("billing", "list_projects", g.actor, customer_id=request.args.get("customer_id") or None,
                        page=page, per_page=per_page))


@bp.post("/projects")
@staff_api
def create_project():
    return jsonify(call("billing", "create_project", g.actor, json_body())), 201


@bp.get("/projects/<project_id>")
@staff_api
def get_project(project_id):
    return jsonify(call("billing", "get_project", g.actor, project_id))


@bp.patch("/projects/<project_id>")
@staff_api
def update_project(project_id):
    return jsonify(call("billing", "update_project", g.actor, project_id, json_body()))


@bp.get("/projects/<project_id>/time-entries")
@staff_api
def list_time_entries(project_id):
    return jsonify(listing(call("billing", "list_time_entries", g.actor, project_id)))


@bp.post("/projects/<project_id>/time-entries")
@staff_api
def add_time_entry(project_id):
    return jsonify(call("billing", "add_time_entry", g.actor, project_id, json_body())), 201


@bp.patch("/projects/<project_id>/time-entries/<entry_id>")
@staff_api
def update_time_entry(project_id, entry_id):
    return jsonify(call("billing", "update_time_entry", g.actor, project_id, entry_id, json_body()))


@bp.delete("/projects/<project_id>/time-entries/<entry_id>")
@staff_api
def delete_time_entry(project_id, entry_id):
    return jsonify(call("billing", "delete_time_entry", g.actor, project_id, entry_id))
