"""The staff app: sign-up, sign-in, customers with portal access, portal settings, email log."""
from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from portico_kit.errors import ServiceError

from ..api.customers import create_with_portal
from ..auth import STAFF_KEY, safe_next, staff_page
from ..calls import call, settings
from .forms import checkbox, field_errors, optional
from .panels import CUSTOMER_PANELS, render_panels

bp = Blueprint("staff", __name__, url_prefix="/app")

PREFERENCE_FLAGS = (
    ("notify_staff_on_activity", "Email me on every portal activity",
     "When a customer accepts or declines a quote, comments, pays, changes their details or leaves a review."),
    ("allow_forwarding", "Allow customers to forward documents",
     "The person they forward to is added as a contact person of that customer."),
    ("notify_customer_on_comment", "Email customers when I comment", "On an invoice or a quote."),
    ("reviews_enabled", "Enable customer review for my services", "Customers can rate you from 1 to 5."),
    ("show_projects", "Allow customers to view projects and timesheets",
     "Name, description, billed and unbilled hours, logged time and fixed cost."),
    ("allow_profile_edit", "Allow customers to edit their information",
     "Billing and shipping addresses, custom fields and their contact details."),
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
            flash(f"Welcome to Portico, {result['user']['name']}. Set up your customer portal first.")
            return redirect(url_for("staff.portal_settings"))
    return render_template("staff/signup.html", form=form, errors=errors), 422 if errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form
        try:
            result = call("accounts", "login", {"email": form.get("email", ""),
                                                "password": form.get("password", "")})
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
    flash("You are signed out.")
    return redirect(url_for("staff.login"))


@bp.get("/")
@staff_page
def home():
    return redirect(url_for("staff.customers"))


# -- customers ----------------------------------------------------------------------------------

@bp.get("/customers")
@staff_page
def customers():
    search = request.args.get("search", "").strip()
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    result = call("customers", "list_customers", g.actor, search or None, page, 25)
    if result["items"]:
        enabled = call("portal", "get_portal_access_many", g.actor, [c["id"] for c in result["items"]])
        for item in result["items"]:
            item["portal_enabled"] = enabled.get(item["id"], False)
    return render_template("staff/customers.html", result=result, search=search)


@bp.route("/customers/new", methods=["GET", "POST"])
@staff_page
def new_customer():
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form
        body = {"display_name": form.get("display_name", "")}
        for name in ("company_name", "email", "phone"):
            if optional(form, name):
                body[name] = optional(form, name)
        body["enable_portal"] = checkbox(form, "enable_portal")
        try:
            customer = create_with_portal(g.actor, body)
        except ServiceError as exc:
            errors = field_errors(exc)
        else:
            portal = customer["portal"]
            if portal.get("invited"):
                flash(f"Customer created. Portal invitation sent to {', '.join(portal['invited'])}.")
            elif portal.get("error"):
                flash(f"Customer created, but the portal is not enabled: {portal['error']['message']}")
            else:
                flash("Customer created.")
            return redirect(url_for("staff.customer", customer_id=customer["id"]))
    return render_template("staff/customer_new.html", form=form, errors=errors), 422 if errors else 200


@bp.get("/customers/<customer_id>")
@staff_page
def customer(customer_id):
    record = call("customers", "get_customer", g.actor, customer_id)
    access = call("portal", "get_portal_access", g.actor, customer_id)
    statuses = {c["contact_id"]: c for c in access["contacts"]}
    return render_template("staff/customer.html", customer=record, access=access, statuses=statuses,
                           panels=render_panels(CUSTOMER_PANELS, g.actor, record))


@bp.post("/customers/<customer_id>/portal/<action>")
@staff_page
def customer_portal(customer_id, action):
    methods = {"enable": "enable_portal", "disable": "disable_portal", "invite": "resend_invitations"}
    if action not in methods:
        return redirect(url_for("staff.customer", customer_id=customer_id))
    args = (g.actor, customer_id, None) if action == "enable" else (g.actor, customer_id)
    try:
        result = call("portal", methods[action], *args)
    except ServiceError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        if action == "disable":
            flash("Portal access disabled. The customer's sessions have ended.")
        elif result.get("invited"):
            flash(f"Invitation sent to {', '.join(result['invited'])}.")
        else:
            flash("Portal access enabled. Everyone with an email has already signed in before.")
    return redirect(url_for("staff.customer", customer_id=customer_id))


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
            flash("Portal preferences saved.")
            return redirect(url_for("staff.portal_settings"))
    return render_template("staff/portal_settings.html", prefs=prefs, errors=errors, flags=PREFERENCE_FLAGS,
                           public_url=settings().public_url), 422 if errors else 200


# -- email log ----------------------------------------------------------------------------------

@bp.get("/notifications")
@staff_page
def notifications():
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    status = request.args.get("status") or None
    result = call("notifications", "list_messages", g.actor, page, 50, status, None)
    return render_template("staff/notifications.html", result=result, status=status)
