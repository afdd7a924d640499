"""Portal pages for a forgotten password: /portal/<portal_name>/forgot and /reset/<token>."""
from flask import Blueprint, render_template, request

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_

from ..calls import call
from .forms import field_errors
from .portal import password_link_page

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
    return password_link_page(portal_name, token, "get_password_reset", "reset_password",
                              "portal/reset_invalid.html", "portal/reset.html",
                              N_("Your new password is set. You are signed in."))
