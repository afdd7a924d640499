"""Portal page "My details": addresses, custom fields shown in the portal, own contact details.

Editable while the organization allows it (`features.profile_edit`); read-only otherwise. The
customers service checks the switch again on every save.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from portico_kit.errors import ServiceError

from flask_babel import gettext

from portico_kit.l10n import LANGUAGES, language_name, language_or_none

from ..auth import portal_page, signed_in
from ..calls import call
from .customer_forms import address_from_form, custom_values_from_form
from .forms import field_errors, optional


bp = Blueprint("portal_profile", __name__, url_prefix="/portal/<portal_name>/profile")


def profile_from_form(form, profile):
    editable = [d for d in profile["custom_field_definitions"] if d["editable"]]
    body = {"billing_address": address_from_form(form, "billing_address"),
            "shipping_address": address_from_form(form, "shipping_address"),
            "contact": {"first_name": (form.get("contact.first_name") or "").strip(),
                        "last_name": optional(form, "contact.last_name"),
                        "phone": optional(form, "contact.phone")}}
    values = custom_values_from_form(form, editable, profile["custom_fields"])
    if values:
        body["custom_fields"] = values
    return body


@bp.post("/language")
@portal_page
def language(portal_name):
    """The contact's own language: theirs to choose even when editing details is turned off."""
    chosen = language_or_none(request.form.get("language")) if request.form.get("language") else None
    call("customers", "update_profile", g.actor, {"contact": {"language": chosen}})
    remembered = call("portal", "remember_contact_language", g.actor, chosen)
    signed_in(dict(g.actor, language=remembered["effective"]))  # the note below is in the new language
    flash(gettext("Your language is saved."))
    return redirect(url_for("portal_profile.profile", portal_name=portal_name))


@bp.route("", methods=["GET", "POST"])
@portal_page
def profile(portal_name):
    profile = call("customers", "get_profile", g.actor)
    editable = bool(g.portal["portal"]["features"].get("profile_edit"))
    form, errors = profile, {}
    if request.method == "POST":
        body = profile_from_form(request.form, profile)
        try:
            call("customers", "update_profile", g.actor, body)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status in (401, 404):
                raise
            if exc.code == "profile_edit_disabled":  # switched off while the form was open
                flash(exc.message, "error")
                return redirect(url_for("portal_profile.profile", portal_name=portal_name))
            errors = field_errors(exc)
            values = dict(profile["custom_fields"], **body.get("custom_fields", {}))
            form = dict(profile, **dict(body, custom_fields=values))
        else:
            flash(gettext("Your details are saved."))
            return redirect(url_for("portal_profile.profile", portal_name=portal_name))
    languages = [(code, language_name(code)) for code in LANGUAGES]
    return render_template("portal/profile.html", portal=g.portal["portal"], profile=profile, form=form,
                           errors=errors, editable=editable, languages=languages), 422 if errors else 200
