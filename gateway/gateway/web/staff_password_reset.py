"""Staff pages for a forgotten password: /app/forgot and /app/reset/<token>."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import STAFF_KEY
from ..calls import call
from .forms import field_errors

bp = Blueprint("staff_password_reset", __name__, url_prefix="/app")


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = request.form
        try:
            call("accounts", "request_password_reset", {"email": form.get("email", "")})
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors, status = field_errors(exc), exc.status  # 422 malformed email, 429 too many requests
        else:
            # the same page whether or not the email belongs to anyone
            return render_template("staff/forgot_sent.html", email=form.get("email", "").strip())
    return render_template("staff/forgot.html", form=form, errors=errors), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    try:
        link = call("accounts", "get_password_reset", token)
    except ServiceError as exc:
        if exc.status not in (404, 410):
            raise
        return render_template("staff/reset_invalid.html", error=exc), exc.status
    errors = {}
    if request.method == "POST":
        password, confirm = request.form.get("password", ""), request.form.get("password_confirm", "")
        if password != confirm:
            errors = {"password_confirm": gettext("The two passwords differ.")}
        else:
            try:
                result = call("accounts", "reset_password", token, {"password": password})
            except ServiceError as exc:
                if exc.status >= 500:
                    raise
                errors = field_errors(exc)
            else:
                session.clear()
                session[STAFF_KEY] = result["token"]
                flash(gettext("Your new password is set. You are signed in, and signed out everywhere else."))
                return redirect(url_for("staff.home"))
    return render_template("staff/reset.html", link=link, errors=errors), 422 if errors else 200
