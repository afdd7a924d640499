"""Portal pages for the customer's invoices, quotes, payments and projects.

Every call carries the customer actor, so billing shows only this customer's sent documents; the
pages never decide that themselves. Forms post to their own routes and, when the service refuses,
the document page is shown again with the message next to the form that caused it.
"""
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from portico_kit import zatca
from portico_kit.errors import Forbidden, ServiceError
from portico_kit.money import card_chargeable, money_str

from ..auth import portal_page
from ..calls import call
from ..documents import pdf_response, print_view, render_pdf
from .billing_forms import DOCS, card_errors, card_payment
from .filters import money
from .forms import field_errors
from .panels import portal_home_panel

bp = Blueprint("portal_billing", __name__, url_prefix="/portal/<portal_name>")
PER_PAGE = 25


def page_number():
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def user_error(exc):
    return exc.status < 500 and exc.status != 404


def features():
    return g.portal["portal"]["features"]


def render(template, **context):
    return render_template(template, portal=g.portal["portal"], **context)


def document_url(doc_type, document_id, anchor=""):
    return url_for(f"portal_billing.{doc_type}", portal_name=g.portal["portal"]["name"],
                   **{f"{doc_type}_id": document_id}) + anchor


# -- invoices and quotes ---------------------------------------------------------------------------

def document_list(doc_type):
    doc = DOCS[doc_type]
    status = request.args.get("status") if request.args.get("status") in doc["statuses"] else ""
    result = call("billing", f"list_{doc['plural']}", g.actor, None, status or None, None, page_number(), PER_PAGE)
    return render("portal/billing/documents.html", doc=doc, result=result, status=status)


def document_page(doc_type, document_id, errors=None, form=None, status=200, confirm=None):
    """The document with its forms; `errors`/`form` are keyed by form ("pay", "comment", ...);
    `confirm` ({decision, reason}) asks to confirm an answer to a quote before it is sent."""
    document = call("billing", f"get_{doc_type}", g.actor, document_id, view="page")  # a view, for staff to see
    comments = call("billing", "list_comments", g.actor, doc_type, document_id)
    pay_config, cards, other_ways, card_amount = {"provider": "test"}, [], None, None
    is_open = doc_type == "invoice" and document["status"] in ("sent", "overdue", "partially_paid")
    # one letterhead call, only when the page needs it: the other ways to pay, a tax invoice's seller
    seller = letterhead() if is_open or (doc_type == "invoice" and issues_tax_invoices()) else None
    if is_open:
        pay_config = payment_config()
        other_ways = (seller or {}).get("payment_instructions")
        if pay_config["provider"] == "stripe":
            cards = call("billing", "list_payment_methods", g.actor)["items"]
            # KWD, BHD, OMR: a card pays in steps of 0.010, the rest of the balance another way
            card_amount = card_offer(document["balance_due"], document["currency"])
    # A new key per rendered Pay form: a double submit of this form charges once, a later retry
    # (another card after a decline) is a new attempt (Stripe: the script adds a number per attempt).
    title, qr = tax_invoice(document, seller) if seller else (None, None)
    response = make_response(render("portal/billing/document.html", doc=DOCS[doc_type], document=document,
                                    comments=comments, errors=errors or {}, form=form or {},
                                    idempotency_key=str(uuid.uuid4()), forwarding=features().get("forwarding"),
                                    pay_config=pay_config, saved_cards=cards, other_ways=other_ways, tax_title=title,
                                    zatca_qr=qr, card_amount=card_amount, confirm=confirm), status)
    if pay_config["provider"] == "stripe":
        response.headers["Content-Security-Policy"] = stripe_csp(pay_config.get("js_url") or "")
    return response


def payment_config():
    """Which provider the Pay form talks to; billing not answering it is the test provider's form
    (a payment through it is then refused clearly, never charged wrongly)."""
    try:
        return call("billing", "payment_config", g.actor)
    except ServiceError as exc:
        if exc.status < 500:
            raise
        return {"provider": "test"}


def card_offer(balance, currency):
    """{amount, rest}: what the Stripe form offers to pay by card (all of the balance, but KWD, BHD
    and OMR in Stripe's steps of 0.010) and what is left for another way ("" when nothing)."""
    amount = card_chargeable(balance, currency)
    rest = Decimal(balance) - amount
    return {"amount": money_str(amount, currency), "rest": money_str(rest, currency) if rest > 0 else ""}


def letterhead():
    """The organization's letterhead (other ways to pay, seller name, tax id, country); None while
    accounts is away (the Pay form still works, the page just lacks the hint and the tax title)."""
    try:
        return call("accounts", "get_letterhead", g.actor)
    except ServiceError as exc:
        if exc.status < 500:
            raise
        return None


def stripe_csp(js_url):
    """The page's policy, opened for Stripe.js: its script, its frames (card Element, 3-D Secure) and
    the API it talks to (localstripe in tests serves all three from one address)."""
    parts = urlsplit(js_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    stripe_hosts = "https://js.stripe.com https://hooks.stripe.com https://api.stripe.com"
    return (f"default-src 'self'; img-src 'self' data: https://*.stripe.com; style-src 'self'; "
            f"script-src 'self' {origin}; frame-src {origin} {stripe_hosts}; connect-src 'self' {origin} "
            f"https://api.stripe.com; form-action 'self'; frame-ancestors 'none'")


def issues_tax_invoices():
    """Whether the reader's organization is in a country of tax invoices (Saudi Arabia, the UAE)."""
    return ((g.actor or {}).get("org_country") or "").upper() in zatca.TAX_INVOICE_COUNTRIES


def tax_invoice(document, seller):
    """("Tax Invoice" or None, the ZATCA QR code as SVG or None) for an invoice of a seller in Saudi
    Arabia or the UAE (portico_kit.zatca); the same as on its PDF."""
    if not issues_tax_invoices() or not zatca.issues_tax_invoices(seller.get("country"), seller.get("tax_id")):
        return None, None
    customer_tax_id = (call("customers", "get_profile", g.actor).get("customer") or {}).get("tax_id")
    title = zatca.invoice_title(seller.get("country"), seller.get("tax_id"), customer_tax_id)
    qr = None
    if zatca.carries_qr(seller.get("country"), seller.get("tax_id")):
        payload = zatca.qr_payload(seller.get("name") or "", seller["tax_id"],
                                   document.get("sent_at") or document.get("created_at") or document.get("date"),
                                   document.get("total") or "0", document.get("tax_total") or "0")
        qr = {"payload": payload, "svg": Markup(zatca.qr_svg(payload, scale=4))}
    return title, qr


def refused(doc_type, document_id, form_name, exc):
    """Show the document again with the service's refusal next to the form that was sent."""
    if not user_error(exc):
        raise exc
    errors = field_errors(exc)
    if form_name == "pay":
        errors = card_errors(errors)
    return document_page(doc_type, document_id, {form_name: errors}, {form_name: request.form}, exc.status)


def document_comment(doc_type, document_id):
    try:
        call("billing", "add_comment", g.actor, doc_type, document_id, {"text": request.form.get("text", "").strip()})
    except ServiceError as exc:
        return refused(doc_type, document_id, "comment", exc)
    flash(gettext("Your comment was sent."))
    return redirect(document_url(doc_type, document_id, "#comments"))


def document_forward(doc_type, document_id):
    if not features().get("forwarding"):
        raise Forbidden(code="forwarding_disabled", message="Forwarding documents is turned off.")
    data = {"name": request.form.get("name", "").strip(), "email": request.form.get("email", "").strip()}
    try:
        result = call("billing", "forward_document", g.actor, doc_type, document_id, data)
    except ServiceError as exc:
        return refused(doc_type, document_id, "forward", exc)
    recipient = result["recipient"]
    label = DOCS[doc_type]["label"]
    flash(gettext("%(document)s forwarded to %(name)s (%(email)s).", document=gettext(label),
                  name=recipient["name"], email=recipient["email"]))
    return redirect(document_url(doc_type, document_id))


def document_print(doc_type, document_id):
    """The documents service's HTML, the same page as the PDF (the print view is not a view)."""
    pdf_url = url_for(f"portal_billing.{doc_type}_pdf", portal_name=g.portal["portal"]["name"],
                      **{f"{doc_type}_id": document_id})
    return print_view(doc_type, document_id, document_url(doc_type, document_id), pdf_url)


def document_pdf(doc_type, document_id):
    return pdf_response(render_pdf(doc_type, document_id))


@bp.get("/invoices")
@portal_page
def invoices(portal_name):
    return document_list("invoice")


@bp.get("/invoices/<invoice_id>")
@portal_page
def invoice(portal_name, invoice_id):
    return document_page("invoice", invoice_id)


@bp.post("/invoices/<invoice_id>/pay")
@portal_page
def pay(portal_name, invoice_id):
    key = request.form.get("idempotency_key", "").strip()
    if not key:  # a form rendered by us always has one; without it a retry could charge twice
        return document_page("invoice", invoice_id, {"pay": {"_form": "Please reload the page and pay again."}},
                             {"pay": request.form}, 400)
    try:
        payment = call("billing", "pay_invoice", g.actor, invoice_id, card_payment(request.form), key)
    except ServiceError as exc:
        return refused("invoice", invoice_id, "pay", exc)
    flash(gettext("Thank you! Your payment of %(amount)s was received.",
                  amount=money(payment["amount"], payment["currency"])))
    return redirect(document_url("invoice", invoice_id))


@bp.post("/invoices/<invoice_id>/comments")
@portal_page
def invoice_comment(portal_name, invoice_id):
    return document_comment("invoice", invoice_id)


@bp.post("/invoices/<invoice_id>/forward")
@portal_page
def forward_invoice(portal_name, invoice_id):
    return document_forward("invoice", invoice_id)


@bp.get("/invoices/<invoice_id>/print")
@portal_page
def print_invoice(portal_name, invoice_id):
    return document_print("invoice", invoice_id)


@bp.get("/invoices/<invoice_id>/pdf")
@portal_page
def invoice_pdf(portal_name, invoice_id):
    return document_pdf("invoice", invoice_id)


@bp.get("/quotes")
@portal_page
def quotes(portal_name):
    return document_list("quote")


@bp.get("/quotes/<quote_id>")
@portal_page
def quote(portal_name, quote_id):
    return document_page("quote", quote_id)


@bp.post("/quotes/<quote_id>/<decision>")
@portal_page
def decide_quote(portal_name, quote_id, decision):
    if decision not in ("accept", "decline"):
        return redirect(document_url("quote", quote_id))
    data = {"reason": request.form.get("reason", "").strip()} if decision == "decline" else {}
    if request.form.get("confirmed") != "1":  # one click must not accept or decline: ask first
        return document_page("quote", quote_id, confirm=dict(data, decision=decision))
    try:
        call("billing", f"{decision}_quote", g.actor, quote_id, data)
    except ServiceError as exc:
        return refused("quote", quote_id, "decide", exc)
    flash(gettext("Quote accepted. Thank you!") if decision == "accept" else gettext("Quote declined."))
    return redirect(document_url("quote", quote_id))


@bp.post("/quotes/<quote_id>/comments")
@portal_page
def quote_comment(portal_name, quote_id):
    return document_comment("quote", quote_id)


@bp.post("/quotes/<quote_id>/forward")
@portal_page
def forward_quote(portal_name, quote_id):
    return document_forward("quote", quote_id)


@bp.get("/quotes/<quote_id>/print")
@portal_page
def print_quote(portal_name, quote_id):
    return document_print("quote", quote_id)


@bp.get("/quotes/<quote_id>/pdf")
@portal_page
def quote_pdf(portal_name, quote_id):
    return document_pdf("quote", quote_id)


@bp.get("/payments/<payment_id>/receipt.pdf")
@portal_page
def receipt_pdf(portal_name, payment_id):
    return pdf_response(render_pdf("receipt", payment_id))


# -- payments and projects ------------------------------------------------------------------------

@bp.get("/payments")
@portal_page
def payments(portal_name):
    result = call("billing", "list_payments", g.actor, None, None, page_number(), PER_PAGE)
    online = payment_config()["provider"] == "stripe"
    cards = call("billing", "list_payment_methods", g.actor)["items"] if online else []
    autopay = call("billing", "get_autopay", g.actor) if online else {"enabled": False}
    return render("portal/billing/payments.html", result=result, online=online, saved_cards=cards, autopay=autopay)


@bp.get("/payments/<payment_id>")
@portal_page
def payment(portal_name, payment_id):
    """One payment with its refunds; another customer's is a 404 page."""
    return render("portal/billing/payment.html", payment=call("billing", "get_payment", g.actor, payment_id))


def require_projects():
    if not features().get("projects"):
        raise Forbidden(code="projects_hidden", message="Projects are not shown in this portal.")


@bp.get("/projects")
@portal_page
def projects(portal_name):
    require_projects()
    result = call("billing", "list_projects", g.actor, None, page_number(), PER_PAGE)
    return render("portal/billing/projects.html", result=result)


@bp.get("/projects/<project_id>")
@portal_page
def project(portal_name, project_id):
    require_projects()
    item = call("billing", "get_project", g.actor, project_id)
    entries = call("billing", "list_time_entries", g.actor, project_id)
    return render("portal/billing/project.html", project=item, entries=entries)


@portal_home_panel("portal/billing/home_panel.html", order=20)
def billing_panel(actor, portal):
    return {"summary": call("billing", "customer_summary", actor)}
