"""Staff pages for invoices, quotes and payments (projects: staff_billing_projects.py).

Invoices and quotes share one set of helpers (`DOCS` says what differs); each route is a thin
named view, so the endpoint names stay the ones the menu knows (`staff_billing.invoices` ...).
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_

from ..auth import staff_page
from ..calls import call
from ..documents import pdf_response, print_view, render_pdf
from .billing_forms import (DOCS, MAX_ROWS, PAYMENT_MODES, blank_rows, document_body, form_from_document,
                            payment_body, rows_errors, rows_from_document, rows_from_form)
from .filters import money
from .forms import field_errors
from .panels import customer_panel

bp = Blueprint("staff_billing", __name__, url_prefix="/app")
PER_PAGE = 25
ACTIONS = {"invoice": {"send": N_("Invoice sent."), "void": N_("Invoice voided."), "delete": N_("Invoice deleted.")},
           "quote": {"send": N_("Quote sent."), "convert": N_("Quote converted to an invoice."),
                     "delete": N_("Quote deleted.")}}


def page_number():
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def user_error(exc):
    """A refusal to show on the page; a missing row or a broken service goes to the error page."""
    return exc.status < 500 and exc.status != 404


def customer_choices(selected=None):
    """Customers for a select (the first 200 by name), always including the one already chosen."""
    choices = call("customers", "list_customers", g.actor, None, 1, 200)["items"]
    if selected and selected not in {c["id"] for c in choices}:
        try:
            choices.append(call("customers", "get_customer", g.actor, selected))
        except ServiceError as exc:
            if exc.status != 404 and exc.status != 422:
                raise  # an unknown id is simply not offered; the service names it on save
    return choices


# -- invoices and quotes ---------------------------------------------------------------------------

def document_list(doc_type):
    doc = DOCS[doc_type]
    status = request.args.get("status") if request.args.get("status") in doc["statuses"] else ""
    search = request.args.get("search", "").strip()
    customer_id = request.args.get("customer_id", "").strip()
    error = None
    try:
        result = call("billing", f"list_{doc['plural']}", g.actor, customer_id or None, status or None,
                      search or None, page_number(), PER_PAGE)
    except ServiceError as exc:
        if exc.status != 422:  # a search too long, a page out of range: say so above an empty list
            raise
        error, result = exc.message, {"items": [], "page": 1, "per_page": PER_PAGE, "total": 0}
    return render_template("staff/billing/documents.html", doc=doc, result=result, status=status, search=search,
                           customer_id=customer_id, customers=customer_choices(customer_id), error=error), \
        422 if error else 200


def document_form(doc_type, document=None):
    """New (document is None) or edit; "Add line" re-renders with one more row."""
    doc, errors = DOCS[doc_type], {}
    if document:
        form, rows = form_from_document(document, doc), rows_from_document(document)
    else:
        form, rows = {"customer_id": request.args.get("customer_id", "")}, blank_rows()
    if request.method == "POST":
        form, rows = request.form, rows_from_form(request.form)
        if request.form.get("action") == "add_line":
            rows = rows + [dict.fromkeys(rows[0], "")] if len(rows) < MAX_ROWS else rows
        else:
            body, row_of = document_body(request.form, doc)
            try:
                if document:
                    saved = call("billing", f"update_{doc_type}", g.actor, document["id"], body)
                else:
                    saved = call("billing", f"create_{doc_type}", g.actor, body)
            except ServiceError as exc:
                if not user_error(exc):
                    raise
                errors = rows_errors(field_errors(exc), row_of)
            else:
                message = doc["saved"]
                flash(gettext(message, number=saved["number"]))
                return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": saved["id"]}))
    return render_template("staff/billing/document_form.html", doc=doc, document=document, form=form, rows=rows,
                           errors=errors, customers=customer_choices(form.get("customer_id"))), \
        422 if errors else 200


def share_links_of(doc_type, document):
    """Who this document was forwarded to; None when that list cannot be had right now (the page
    still shows the document)."""
    if document.get("status") == "draft":
        return []
    try:
        return call("billing", "list_share_links", g.actor, doc_type, document["id"])["items"]
    except ServiceError as exc:
        if exc.status < 500:
            raise
        return None


def document_page(doc_type, document_id, comment_errors=None, comment_text=""):
    doc = DOCS[doc_type]
    document = call("billing", f"get_{doc_type}", g.actor, document_id)
    comments = call("billing", "list_comments", g.actor, doc_type, document_id)
    status = 422 if comment_errors else 200
    return render_template("staff/billing/document.html", doc=doc, document=document, comments=comments,
                           comment_errors=comment_errors or {}, comment_text=comment_text,
                           share_links=share_links_of(doc_type, document)), status


def document_action(doc_type, document_id, action):
    doc = DOCS[doc_type]
    if action not in ACTIONS[doc_type]:
        return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": document_id}))
    try:
        result = call("billing", f"{action}_{doc_type}", g.actor, document_id)
    except ServiceError as exc:
        if not user_error(exc):
            raise
        flash(exc.message, "error")
        return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": document_id}))
    flash(gettext(ACTIONS[doc_type][action]))
    if action == "delete":
        return redirect(url_for(f"staff_billing.{doc['plural']}"))
    if action == "convert":
        return redirect(url_for("staff_billing.invoice", invoice_id=result["id"]))
    return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": document_id}))


def document_confirm(doc_type, document_id, action):
    """Void and delete cannot be undone: a page that asks first (a plain form, no script)."""
    if action not in ("void", "delete") or action not in ACTIONS[doc_type]:
        return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": document_id}))
    document = call("billing", f"get_{doc_type}", g.actor, document_id)
    return render_template("staff/billing/confirm.html", doc=DOCS[doc_type], document=document, action=action)


def document_comment(doc_type, document_id):
    text = request.form.get("text", "").strip()
    try:
        call("billing", "add_comment", g.actor, doc_type, document_id, {"text": text})
    except ServiceError as exc:
        if not user_error(exc):
            raise
        errors = field_errors(exc)
        return document_page(doc_type, document_id, {"text": errors.get("text") or errors["_form"]}, text)
    flash(gettext("Comment added."))
    return redirect(url_for(f"staff_billing.{doc_type}", **{f"{doc_type}_id": document_id}) + "#comments")


def document_print(doc_type, document_id):
    """The print view is the documents service's HTML: the same page the PDF is made from."""
    args = {f"{doc_type}_id": document_id}
    return print_view(doc_type, document_id, url_for(f"staff_billing.{doc_type}", **args),
                      url_for(f"staff_billing.{doc_type}_pdf", **args))


def document_pdf(doc_type, document_id):
    return pdf_response(render_pdf(doc_type, document_id))


@bp.get("/invoices")
@staff_page
def invoices():
    return document_list("invoice")


@bp.route("/invoices/new", methods=["GET", "POST"])
@staff_page
def new_invoice():
    return document_form("invoice")


@bp.get("/invoices/<invoice_id>")
@staff_page
def invoice(invoice_id):
    return document_page("invoice", invoice_id)


@bp.route("/invoices/<invoice_id>/edit", methods=["GET", "POST"])
@staff_page
def edit_invoice(invoice_id):
    return document_form("invoice", call("billing", "get_invoice", g.actor, invoice_id))


@bp.route("/invoices/<invoice_id>/<action>", methods=["GET", "POST"])
@staff_page
def invoice_action(invoice_id, action):
    if request.method == "GET":
        return document_confirm("invoice", invoice_id, action)
    return document_action("invoice", invoice_id, action)


@bp.post("/invoices/<invoice_id>/comments")
@staff_page
def invoice_comment(invoice_id):
    return document_comment("invoice", invoice_id)


@bp.get("/invoices/<invoice_id>/print")
@staff_page
def print_invoice(invoice_id):
    return document_print("invoice", invoice_id)


@bp.get("/invoices/<invoice_id>/pdf")
@staff_page
def invoice_pdf(invoice_id):
    return document_pdf("invoice", invoice_id)


@bp.get("/quotes")
@staff_page
def quotes():
    return document_list("quote")


@bp.route("/quotes/new", methods=["GET", "POST"])
@staff_page
def new_quote():
    return document_form("quote")


@bp.get("/quotes/<quote_id>")
@staff_page
def quote(quote_id):
    return document_page("quote", quote_id)


@bp.route("/quotes/<quote_id>/edit", methods=["GET", "POST"])
@staff_page
def edit_quote(quote_id):
    return document_form("quote", call("billing", "get_quote", g.actor, quote_id))


@bp.route("/quotes/<quote_id>/<action>", methods=["GET", "POST"])
@staff_page
def quote_action(quote_id, action):
    if request.method == "GET":
        return document_confirm("quote", quote_id, action)
    return document_action("quote", quote_id, action)


@bp.post("/quotes/<quote_id>/comments")
@staff_page
def quote_comment(quote_id):
    return document_comment("quote", quote_id)


@bp.get("/quotes/<quote_id>/print")
@staff_page
def print_quote(quote_id):
    return document_print("quote", quote_id)


@bp.get("/quotes/<quote_id>/pdf")
@staff_page
def quote_pdf(quote_id):
    return document_pdf("quote", quote_id)


@bp.get("/payments/<payment_id>/receipt.pdf")
@staff_page
def receipt_pdf(payment_id):
    return pdf_response(render_pdf("receipt", payment_id))


# -- payments -------------------------------------------------------------------------------------

@bp.route("/invoices/<invoice_id>/payments/new", methods=["GET", "POST"])
@staff_page
def record_payment(invoice_id):
    invoice = call("billing", "get_invoice", g.actor, invoice_id)
    reviews_enabled = call("portal", "get_preferences", g.actor)["reviews_enabled"]
    form, errors = {"amount": invoice["balance_due"], "mode": "bank_transfer"}, {}
    if request.method == "POST":
        form = request.form
        try:
            payment = call("billing", "record_payment", g.actor, payment_body(form, invoice, reviews_enabled))
        except ServiceError as exc:
            if not user_error(exc):
                raise
            errors = field_errors(exc)
        else:
            flash(gettext("Payment of %(amount)s recorded.", amount=money(payment["amount"], payment["currency"])))
            return redirect(url_for("staff_billing.invoice", invoice_id=invoice_id))
    return render_template("staff/billing/payment_form.html", invoice=invoice, form=form, errors=errors,
                           modes=PAYMENT_MODES, reviews_enabled=reviews_enabled), 422 if errors else 200


@bp.get("/payments")
@staff_page
def payments():
    customer_id = request.args.get("customer_id", "").strip()
    result = call("billing", "list_payments", g.actor, customer_id or None, None, page_number(), PER_PAGE)
    return render_template("staff/billing/payments.html", result=result, customer_id=customer_id,
                           customers=customer_choices(customer_id))


@bp.get("/payments/new")
@staff_page
def new_payment():
    """A payment is always for an invoice: choose the customer, then one of its unpaid invoices."""
    customer_id = request.args.get("customer_id", "").strip()
    unpaid = call("billing", "customer_summary", g.actor, customer_id)["unpaid_invoices"] if customer_id else None
    return render_template("staff/billing/payment_choose.html", customer_id=customer_id, unpaid=unpaid,
                           customers=customer_choices(customer_id))


@customer_panel("staff/billing/customer_panel.html", order=40)
def billing_panel(actor, customer):
    return {"summary": call("billing", "customer_summary", actor, customer["id"]), "customer": customer}



@customer_panel("staff/billing/payment_profile_panel.html", order=45)
def payment_profile_panel(actor, customer):
    """Autopay and saved cards (brand, last four, expiry): never the card itself."""
    return {"profile": call("billing", "customer_payment_profile", actor, customer["id"])}
