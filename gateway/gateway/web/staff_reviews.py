"""Staff pages for reviews: the Customer Review Report, and asking a customer from its page."""
from datetime import date, timedelta

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_
from portico_kit.timeutil import today_in

from ..api.reviews import csv_response
from ..auth import staff_page
from ..calls import call
from .panels import customer_panel

bp = Blueprint("staff_reviews", __name__, url_prefix="/app")

PRESETS = (("this_week", N_("This week")), ("this_month", N_("This month")), ("last_month", N_("Last month")),
           ("this_quarter", N_("This quarter")), ("this_year", N_("This year")), ("custom", N_("Custom range")))


def preset_range(preset, today):
    """(from, to) of a named period; weeks start on Monday."""
    if preset == "this_week":
        return today - timedelta(days=today.weekday()), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "this_year":
        return date(today.year, 1, 1), today
    return today.replace(day=1), today  # this_month


def chosen_period():
    preset = request.args.get("period") or ("custom" if request.args.get("from") else "this_month")
    if preset not in dict(PRESETS):
        preset = "this_month"
    if preset == "custom":
        return preset, request.args.get("from") or None, request.args.get("to") or None
    start, end = preset_range(preset, today_in(g.actor.get("org_timezone")))
    return preset, start.isoformat(), end.isoformat()


@bp.get("/reports/reviews")
@staff_page
def report():
    preset, date_from, date_to = chosen_period()
    sort = request.args.get("sort") if request.args.get("sort") in ("date", "rating") else "date"
    order = request.args.get("order") if request.args.get("order") in ("asc", "desc") else "desc"
    error = None
    try:
        data = call("reviews", "report", g.actor, date_from, date_to, sort, order)
    except ServiceError as exc:
        if exc.status != 422:
            raise
        error = exc.fields or {"_form": exc.message}
        data = None
    if data is not None and request.args.get("format") == "csv":
        return csv_response(data)
    prefs = call("portal", "get_preferences", g.actor)
    return render_template("staff/reviews/report.html", report=data, presets=PRESETS, preset=preset,
                           date_from=date_from, date_to=date_to, sort=sort, order=order, errors=error or {},
                           reviews_enabled=prefs["reviews_enabled"]), 422 if error else 200


@bp.post("/customers/<customer_id>/review-requests")
@staff_page
def ask(customer_id):
    try:
        result = call("reviews", "request_review", g.actor, customer_id)
    except ServiceError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        if result["resent"]:
            flash(gettext("The open review request was sent again (sent %(count)s times).", count=result["times_sent"]))
        else:
            flash(gettext("Review request sent."))
    return redirect(url_for("staff_customers.customer", customer_id=customer_id))


@customer_panel("staff/reviews/customer_panel.html", order=80)
def reviews_panel(actor, customer):
    prefs = call("portal", "get_preferences", actor)
    requests = call("reviews", "list_customer_requests", actor, customer["id"])
    if not prefs["reviews_enabled"] and not requests:
        return None  # nothing to show and nothing to do
    return {"enabled": prefs["reviews_enabled"], "requests": requests, "customer": customer}
