"""Customer portal pages: /portal/<portal_name>/..."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_

from ..auth import forget_portal_token, portal_page, remember_portal_token, safe_next
from ..calls import call
from ..client_address import client_address
from ..i18n import speak
from .forms import field_errors
from .panels import PORTAL_HOME_PANELS, render_panels

bp = Blueprint("portal_pages", __name__, url_prefix="/portal/<portal_name>")


@bp.route("/login", methods=["GET", "POST"])
def login(portal_name):
    portal = call("portal", "get_public_portal", portal_name)  # unknown name: the 404 page
    form, error, status = {}, None, 200
    if request.method == "POST":
        form = request.form
        try:
            result = call("portal", "login", portal_name, {"email": form.get("email", ""),
                                                          "password": form.get("password", "")},
                          client_address())
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            error, status = exc.message, exc.status
        else:
            remember_portal_token(portal_name, result["token"])
            home = url_for("portal_pages.home", portal_name=portal_name)
            return redirect(safe_next(request.args.get("next"), home))
    return render_template("portal/login.html", portal=portal, form=form, error=error), status


def password_link_page(portal_name, token, check, apply, invalid_template, template, done):
    """A page behind an emailed link where a contact chooses a password and is signed in: the
    invitation and the password reset. `check`/`apply` are the portal service's methods; the
    template gets the link's details as `link`."""
    portal = call("portal", "get_public_portal", portal_name)
    try:
        link = call("portal", check, portal_name, token)
    except ServiceError as exc:
        if exc.status not in (404, 410):
            raise
        return render_template(invalid_template, portal=portal, error=exc), exc.status
    speak(link.get("language"))  # the person the link was sent to, in their language
    errors = {}
    if request.method == "POST":
        password, confirm = request.form.get("password", ""), request.form.get("password_confirm", "")
        if password != confirm:
            errors = {"password_confirm": gettext("The two passwords differ.")}
        else:
            try:
                result = call("portal", apply, portal_name, token, {"password": password})
            except ServiceError as exc:
                if exc.status >= 500:
                    raise
                errors = field_errors(exc)
            else:
                remember_portal_token(portal_name, result["token"])
                flash(gettext(done))
                return redirect(url_for("portal_pages.home", portal_name=portal_name))
    return render_template(template, portal=portal, link=link, errors=errors), 422 if errors else 200


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invitation(portal_name, token):
    return password_link_page(portal_name, token, "get_invitation", "accept_invitation",
                              "portal/invitation_invalid.html", "portal/invitation.html",
                              N_("Welcome! Your password is set."))


@bp.get("/")
@portal_page
def home(portal_name):
    customer = call("customers", "get_customer", g.actor, g.actor["customer_id"])
    return render_template("portal/home.html", portal=g.portal["portal"], contact=g.portal["contact"],
                           customer=customer, panels=render_panels(PORTAL_HOME_PANELS, g.actor, g.portal))


@bp.route("/logout", methods=["GET", "POST"])
def logout(portal_name):
    if request.method == "GET":
        portal = call("portal", "get_public_portal", portal_name)
        return render_template("portal/logout.html", portal=portal)
    token = forget_portal_token(portal_name)
    if token:
        try:
            call("portal", "logout", token)
        except ServiceError:
            pass
    flash(gettext("You are signed out."))
    return redirect(url_for("portal_pages.login", portal_name=portal_name))
