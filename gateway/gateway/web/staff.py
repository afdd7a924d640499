"""The staff app's own pages: sign-up, sign-in, the portal settings, the email log."""
from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_

from ..auth import STAFF_KEY, safe_next, staff_page
from ..calls import call, settings
from ..client_address import client_address
from .forms import checkbox, field_errors, optional

bp = Blueprint("staff", __name__, url_prefix="/app")

PREFERENCE_FLAGS = (
    ("notify_staff_on_activity", N_("Email me on every portal activity"),
     N_("When a customer accepts or declines a quote, comments, pays, changes their details or leaves a review.")),
    ("allow_forwarding", N_("Allow customers to forward documents"),
     N_("The person they forward to is added as a contact person of that customer, never invited to the portal unless you choose them.")),
    ("notify_customer_on_comment", N_("Email customers when I comment"), N_("On an invoice or a quote.")),
    ("reviews_enabled", N_("Enable customer review for my services"), N_("Customers can rate you from 1 to 5.")),
    ("show_projects", N_("Allow customers to view projects and timesheets"),
     N_("Name, description, billed and unbilled hours, logged time and fixed cost.")),
    ("allow_profile_edit", N_("Allow customers to edit their information"),
     N_("Billing and shipping addresses, custom fields and their contact details.")),
    ("send_payment_receipts", N_("Email customers a receipt for every payment"),
     N_("Online and recorded by you; the receipt PDF is attached when Branding says so.")),
)


# -- signing in and out -------------------------------------------------------------------------

@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form
        try:
            result = call("accounts", "signup", {
                "organization_name": form.get("organization_name", ""), "name": form.get("name", ""),
                "email": form.get("email", ""), "password": form.get("password", "")})
        except ServiceError as exc:
            errors = field_errors(exc)
        else:
            session.clear()
            session[STAFF_KEY] = result["token"]
            flash(gettext("Welcome to Portico, %(name)s. Set up your customer portal first.", name=result["user"]["name"]))
            return redirect(url_for("staff.portal_settings"))
    return render_template("staff/signup.html", form=form, errors=errors), 422 if errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form
        try:
            result = call("accounts", "login", {"email": form.get("email", ""),
                                                "password": form.get("password", "")}, client_address())
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = {"_form": exc.message}
        else:
            session.clear()
            session[STAFF_KEY] = result["token"]
            return redirect(safe_next(request.args.get("next"), url_for("staff.home")))
    return render_template("staff/login.html", form=form, errors=errors), 401 if errors else 200


@bp.post("/logout")
def logout():
    token = session.pop(STAFF_KEY, None)
    if token:
        try:
            call("accounts", "logout", token)
        except ServiceError:
            pass  # the cookie is gone either way
    flash(gettext("You are signed out."))
    return redirect(url_for("staff.login"))


@bp.get("/")
@staff_page
def home():
    return redirect(url_for("staff_customers.customers"))


# -- settings -----------------------------------------------------------------------------------

@bp.route("/settings/portal", methods=["GET", "POST"])
@staff_page
def portal_settings():
    errors = {}
    prefs = call("portal", "get_preferences", g.actor)
    if request.method == "POST":
        form = request.form
        body = {"portal_name": form.get("portal_name", ""), "banner_message": form.get("banner_message", "")}
        body.update({flag: checkbox(form, flag) for flag, _, _ in PREFERENCE_FLAGS})
        try:
            call("portal", "update_preferences", g.actor, body)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = field_errors(exc)
            prefs = dict(prefs, **body)  # show what they typed, next to the errors
        else:
            flash(gettext("Portal preferences saved."))
            return redirect(url_for("staff.portal_settings"))
    return render_template("staff/portal_settings.html", prefs=prefs, errors=errors, flags=PREFERENCE_FLAGS,
                           public_url=settings().public_url), 422 if errors else 200


# -- email log ----------------------------------------------------------------------------------

EMAIL_KINDS = [("portal_invitation", N_("Portal invitation")), ("password_reset", N_("Portal password reset")),
               ("invoice_sent", N_("Invoice sent")), ("quote_sent", N_("Quote sent")),
               ("comment_notification", N_("Comment to customer")), ("portal_activity", N_("Portal activity")),
               ("document_forwarded", N_("Forwarded document")), ("review_request", N_("Review request")),
               ("payment_receipt", N_("Payment receipt")), ("payment_refunded", N_("Refund")),
               ("autopay_failed", N_("Autopay failed")), ("card_expiring", N_("Card expiring")),
               ("staff_password_reset", N_("Staff password reset"))]


@bp.get("/notifications")
@staff_page
def notifications():
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    status = request.args.get("status") if request.args.get("status") in ("queued", "sent", "failed") else None
    kind = request.args.get("kind") if request.args.get("kind") in dict(EMAIL_KINDS) else None
    result = call("notifications", "list_messages", g.actor, page, 50, status, kind)
    return render_template("staff/notifications.html", result=result, status=status, kind=kind,
                           kinds=EMAIL_KINDS)


@bp.post("/notifications/<message_id>/retry")
@staff_page
def retry_notification(message_id):
    try:
        message = call("notifications", "retry_message", g.actor, message_id)
    except ServiceError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(gettext("The email to %(email)s is queued again and goes out in a moment.", email=message["to"]))
    return redirect(safe_next(request.form.get("next"), url_for("staff.notifications")))
