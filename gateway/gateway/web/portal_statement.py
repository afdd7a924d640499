"""The portal's statement of account: any period, on the page and as PDF."""
from flask import Blueprint, g, render_template, request, url_for

from ..auth import portal_page
from ..documents import pdf_response, render_pdf, statement_params
from .statements import pdf_args, statement_for

bp = Blueprint("portal_statement", __name__, url_prefix="/portal/<portal_name>")


@bp.get("/statement")
@portal_page
def statement(portal_name):
    result, errors, message = statement_for(None)
    return render_template(
        "portal/billing/statement.html", portal=g.portal["portal"], statement=result, errors=errors, error=message,
        pdf_url=url_for("portal_statement.statement_pdf", portal_name=portal_name, **pdf_args(result)),
        document_url=lambda doc_id: url_for("portal_billing.invoice", portal_name=portal_name, invoice_id=doc_id)), \
        422 if errors else 200


@bp.get("/statement.pdf")
@portal_page
def statement_pdf(portal_name):
    return pdf_response(render_pdf("statement", None, statement_params(request.args)))
