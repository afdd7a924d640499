"""A customer's statement of account for staff: the page, the PDF, "email it to the customer",
and a panel on the customer page."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call
from ..documents import pdf_response, render_pdf, statement_params
from .panels import customer_panel
from .statements import pdf_args, statement_for

bp = Blueprint("staff_statement", __name__, url_prefix="/app/customers/<customer_id>")


@bp.get("/statement")
@staff_page
def statement(customer_id):
    customer = call("customers", "get_customer", g.actor, customer_id)  # another organization's: 404
    result, errors, message = statement_for(customer_id)
    return render_template(
        "staff/customers/statement.html", customer=customer, statement=result, errors=errors, error=message,
        pdf_url=url_for("staff_statement.statement_pdf", customer_id=customer_id, **pdf_args(result)),
        document_url=lambda doc_id: url_for("staff_billing.invoice", invoice_id=doc_id)), 422 if errors else 200


@bp.get("/statement.pdf")
@staff_page
def statement_pdf(customer_id):
    call("customers", "get_customer", g.actor, customer_id)
    return pdf_response(render_pdf("statement", customer_id, statement_params(request.args)))


@bp.post("/statement/send")
@staff_page
def send(customer_id):
    params = statement_params(request.form)
    try:
        call("billing", "send_statement", g.actor, customer_id, params["from"], params["to"], params["currency"])
    except ServiceError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(gettext("The statement is on its way to the customer, with its PDF."))
    return redirect(url_for("staff_statement.statement", customer_id=customer_id, **params))


@customer_panel("staff/customers/statement_panel.html", order=45)
def statement_panel(actor, customer):
    return {"statement": call("billing", "get_statement", actor, customer["id"], None, None, None),
            "customer": customer}
