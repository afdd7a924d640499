"""Settings → Branding: the logo and accent colour of documents, emails and the portal; whether
emails carry the PDF; Factur-X invoices."""
import base64

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import staff_page
from ..calls import call
from .forms import checkbox, field_errors

bp = Blueprint("staff_branding", __name__, url_prefix="/app/settings")
MAX_UPLOAD = 5 * 1024 * 1024  # so a logo just over 1 MB gets its message, not a 413 page


@bp.route("/branding", methods=["GET", "POST"])
@staff_page
def branding():
    request.max_content_length = MAX_UPLOAD
    current = call("accounts", "get_branding", g.actor)
    org = call("accounts", "get_organization", g.actor)
    errors, form = {}, current
    if request.method == "POST":
        form = {"accent_color": (request.form.get("accent_color") or "").strip() or None,
                "attach_pdf_to_emails": checkbox(request.form, "attach_pdf_to_emails"),
                "facturx": checkbox(request.form, "facturx")}
        try:
            if request.form.get("action") == "remove_logo":
                call("accounts", "delete_logo", g.actor)
                flash(gettext("Logo removed."))
                return redirect(url_for("staff_branding.branding"))
            upload = request.files.get("logo")
            if upload is not None and upload.filename:
                call("accounts", "set_logo", g.actor, base64.b64encode(upload.read()).decode("ascii"))
            call("accounts", "update_branding", g.actor, form)
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            errors = field_errors(exc)
            form = dict(current, **form)
        else:
            flash(gettext("Branding saved."))
            return redirect(url_for("staff_branding.branding"))
    return (render_template("staff/branding.html", branding=form, logo_url=current.get("logo_url"), org=org,
                            errors=errors), 422 if errors else 200)
