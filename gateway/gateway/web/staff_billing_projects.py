"""Staff pages for projects and their time entries, on the staff_billing blueprint (the app imports
every web module before it registers any blueprint, so these routes are in place in time)."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.timeutil import today_in

from ..auth import staff_page
from ..calls import call
from .billing_forms import project_body, time_entry_body
from .forms import field_errors
# Not imported as `bp`: the app registers every web module's `bp`, and this one is staff_billing's.
from .staff_billing import PER_PAGE, customer_choices, page_number, user_error
from .staff_billing import bp as billing_bp


@billing_bp.get("/projects")
@staff_page
def projects():
    customer_id = request.args.get("customer_id", "").strip()
    result = call("billing", "list_projects", g.actor, customer_id or None, page_number(), PER_PAGE)
    return render_template("staff/billing/projects.html", result=result, customer_id=customer_id,
                           customers=customer_choices(customer_id))


def project_form(project=None):
    form, errors = (dict(project) if project else {"customer_id": request.args.get("customer_id", ""),
                                                   "billing_method": "hourly"}), {}
    if request.method == "POST":
        form = request.form
        try:
            if project:
                saved = call("billing", "update_project", g.actor, project["id"], project_body(form))
            else:
                saved = call("billing", "create_project", g.actor, project_body(form))
        except ServiceError as exc:
            if not user_error(exc):
                raise
            errors = field_errors(exc)
        else:
            flash(gettext("Project %(name)s saved.", name=saved["name"]))
            return redirect(url_for("staff_billing.project", project_id=saved["id"]))
    return render_template("staff/billing/project_form.html", project=project, form=form, errors=errors,
                           customers=customer_choices(form.get("customer_id"))), 422 if errors else 200


@billing_bp.route("/projects/new", methods=["GET", "POST"])
@staff_page
def new_project():
    return project_form()


@billing_bp.route("/projects/<project_id>/edit", methods=["GET", "POST"])
@staff_page
def edit_project(project_id):
    return project_form(call("billing", "get_project", g.actor, project_id))


def project_page(project_id, entry_form=None, entry_errors=None):
    entry_form = entry_form or {"billable": "on", "date": today_in(g.actor.get("org_timezone")).isoformat()}
    project = call("billing", "get_project", g.actor, project_id)
    entries = call("billing", "list_time_entries", g.actor, project_id)
    return render_template("staff/billing/project.html", project=project, entries=entries,
                           entry_form=entry_form, entry_errors=entry_errors or {}), \
        422 if entry_errors else 200


@billing_bp.get("/projects/<project_id>")
@staff_page
def project(project_id):
    return project_page(project_id)


@billing_bp.post("/projects/<project_id>/time-entries")
@staff_page
def add_time_entry(project_id):
    try:
        call("billing", "add_time_entry", g.actor, project_id, time_entry_body(request.form))
    except ServiceError as exc:
        if not user_error(exc):
            raise
        return project_page(project_id, request.form, field_errors(exc))
    flash(gettext("Time entry added."))
    return redirect(url_for("staff_billing.project", project_id=project_id) + "#time")


@billing_bp.post("/projects/<project_id>/time-entries/<entry_id>/<action>")
@staff_page
def time_entry_action(project_id, entry_id, action):
    try:
        if action == "bill":
            call("billing", "update_time_entry", g.actor, project_id, entry_id, {"billed": True})
            flash(gettext("Time entry marked as billed."))
        elif action == "unbill":
            call("billing", "update_time_entry", g.actor, project_id, entry_id, {"billed": False})
            flash(gettext("Time entry marked as not billed."))
        elif action == "delete":
            call("billing", "delete_time_entry", g.actor, project_id, entry_id)
            flash(gettext("Time entry deleted."))
    except ServiceError as exc:
        if not user_error(exc):
            raise
        flash(exc.message, "error")
    return redirect(url_for("staff_billing.project", project_id=project_id) + "#time")
