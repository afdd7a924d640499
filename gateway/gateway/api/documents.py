"""Documents over the API: PDFs of invoices, quotes and receipts, statements of account (JSON or PDF).

Staff see their organization's; a portal contact only its own customer's sent documents (the
services decide: another customer's or organization's id is a 404 either way)."""
from flask import Blueprint, g, jsonify, request

from ..auth import portal_api, staff_api
from ..calls import call, json_body
from ..documents import pdf_response, render_pdf, statement_params
from ..errors import ApiError

bp = Blueprint("api_documents", __name__)
STAFF, PORTAL = "/api/v1", "/portal/<portal_name>/api/v1"


def wants_pdf():
    fmt = request.args.get("format") or "json"
    if fmt not in ("json", "pdf"):
        raise ApiError(400, "invalid_format", "format is json or pdf.")
    return fmt == "pdf"


def statement(customer_id):
    params = statement_params(request.args)
    if wants_pdf():
        return pdf_response(render_pdf("statement", customer_id, params))
    return jsonify(call("billing", "get_statement", g.actor, customer_id, params["from"], params["to"],
                        params["currency"]))


@bp.get(f"{STAFF}/invoices/<invoice_id>/pdf")
@staff_api
def invoice_pdf(invoice_id):
    return pdf_response(render_pdf("invoice", invoice_id))


@bp.get(f"{STAFF}/quotes/<quote_id>/pdf")
@staff_api
def quote_pdf(quote_id):
    return pdf_response(render_pdf("quote", quote_id))


@bp.get(f"{STAFF}/payments/<payment_id>/receipt.pdf")
@staff_api
def receipt_pdf(payment_id):
    return pdf_response(render_pdf("receipt", payment_id))


@bp.get(f"{STAFF}/customers/<customer_id>/statement")
@staff_api
def customer_statement(customer_id):
    call("customers", "get_customer", g.actor, customer_id)  # another organization's customer: 404
    return statement(customer_id)


@bp.post(f"{STAFF}/customers/<customer_id>/statement/send")
@staff_api
def send_statement(customer_id):
    body = json_body(allow_empty=True)
    unknown = sorted(set(body) - {"from", "to", "currency"})
    if unknown:
        raise ApiError(422, "validation_failed", "Unknown fields.", {name: "Unknown field." for name in unknown})
    call("customers", "get_customer", g.actor, customer_id)
    return jsonify(call("billing", "send_statement", g.actor, customer_id, body.get("from"), body.get("to"),
                        body.get("currency")))


@bp.get(f"{PORTAL}/invoices/<invoice_id>/pdf")
@portal_api
def portal_invoice_pdf(portal_name, invoice_id):
    return pdf_response(render_pdf("invoice", invoice_id))


@bp.get(f"{PORTAL}/quotes/<quote_id>/pdf")
@portal_api
def portal_quote_pdf(portal_name, quote_id):
    return pdf_response(render_pdf("quote", quote_id))


@bp.get(f"{PORTAL}/payments/<payment_id>/receipt.pdf")
@portal_api
def portal_receipt_pdf(portal_name, payment_id):
    return pdf_response(render_pdf("receipt", payment_id))


@bp.get(f"{PORTAL}/statement")
@portal_api
def portal_statement(portal_name):
    return statement(None)
