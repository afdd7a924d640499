"""Portal pages for a forgotten password: /portal/<portal_name>/forgot and /reset/<token>."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from portico_kit.errors import ServiceError

from ..auth import remember_portal_token
from ..calls import call
from .forms import field_errors

bp = Blueprint("portal_password_reset", __name__, url_prefix="/portal/<portal_name>")


@bp.route("/forgot", methods=["GET", "POST"])
def forgot(portal_name):
    portal = call("portal", "get_public_portal", portal_name)  # unknown name: the 404 page
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = request.form
        try:
            call("portal", "request_password_reset", portal_name, {"email": form.get("email", "")})
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors, status = field_errors(exc), exc.status  # 422 malformed email, 429 too many requests
        else:
            # the same page whether or not the email belongs to anyone
            return render_template("portal/forgot_sent.html", portal=portal, email=form.get("email", "").strip())
    return render_template("portal/forgot.html", portal=portal, form=form, errors=errors), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(portal_name, token):
    portal = call("portal", "get_public_portal", portal_name)
    try:
        link = call("portal", "get_password_reset", portal_name, token)
    except ServiceError as exc:
        if exc.status not in (404, 410):
            raise
        return render_template("portal/reset_invalid.html", portal=portal, error=exc), exc.status
    errors = {}
    if request.method == "POST":
        password, confirm = request.form.get("password", ""), request.form.get("password_confirm", "")
        if password != confirm:
            errors = {"password_confirm": "The two passwords differ."}
        else:
            try:
                result = call("portal", "reset_password", portal_name, token, {"password": password})
            except ServiceError as exc:
                if exc.status >= 500:
                    raise
                errors = field_errors(exc)
            else:
                remember_portal_token(portal_name, result["token"])
                flash("Your new password is set. You are signed in.")
                return redirect(url_for("portal_pages.home", portal_name=portal_name))
    return render_template("portal/reset.html", portal=portal, link=link, errors=errors), 422 if errors else 200
