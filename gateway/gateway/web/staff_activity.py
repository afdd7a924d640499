"""Portal activity: what customers did in the portal, for a period, and each contact's last sign-in."""
from datetime import timedelta

from flask import Blueprint, g, render_template, request

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_
from portico_kit.timeutil import today_in

from ..auth import staff_page
from ..calls import call
from .activity_sentences import activity_sentence
from .forms import field_errors

bp = Blueprint("staff_activity", __name__, url_prefix="/app")

PERIODS = [("all", N_("All time")), ("today", N_("Today")), ("this_week", N_("This week")), ("this_month", N_("This month")),
           ("last_month", N_("Last month")), ("last_30_days", N_("Last 30 days")), ("custom", N_("Custom"))]
KINDS = [("", N_("Everything")), ("quote_accepted", N_("Quotes accepted")), ("quote_declined", N_("Quotes declined")),
         ("comment_added", N_("Comments")), ("payment_recorded", N_("Payments")), ("customer_updated", N_("Details changed")),
         ("document_forwarded", N_("Documents forwarded")), ("review_submitted", N_("Reviews")),
         ("signed_in", N_("Sign-ins")), ("invitation_accepted", N_("Invitations accepted")),
         ("invoice_viewed", N_("Invoices viewed")), ("quote_viewed", N_("Quotes viewed"))]


def period_dates(period, today):
    """(from, to) of a named period, in the organization's calendar."""
    if period == "today":
        return today, today
    if period == "this_week":
        return today - timedelta(days=today.weekday()), today
    if period == "this_month":
        return today.replace(day=1), today
    if period == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if period == "last_30_days":
        return today - timedelta(days=29), today
    return None, None


def _page(name):
    try:
        return max(int(request.args.get(name, 1)), 1)
    except ValueError:
        return 1


@bp.get("/activity")
@staff_page
def activity():
    args = request.args
    period = args.get("period") or ("custom" if args.get("from") or args.get("to") else "all")
    if period not in dict(PERIODS):
        period = "all"
    if period == "custom":
        date_from, date_to = args.get("from") or None, args.get("to") or None
    else:
        start, end = period_dates(period, today_in(g.actor.get("org_timezone")))
        date_from, date_to = (start.isoformat() if start else None), (end.isoformat() if end else None)
    kind = args.get("kind") if args.get("kind") in dict(KINDS) else ""
    errors, result = {}, {"items": [], "total": 0, "page": 1, "per_page": 50}
    try:
        result = call("portal", "list_activity", g.actor, date_from, date_to, _page("page"), 50, kind or None, None)
    except ServiceError as exc:
        if exc.status >= 500:
            raise
        errors = field_errors(exc)
    sign_ins = call("portal", "list_sign_ins", g.actor, _page("signins_page"), 20)
    filters = {"period": period, "from": date_from or "", "to": date_to or "", "kind": kind}
    return render_template("staff/activity.html", result=result, sign_ins=sign_ins, filters=filters,
                           periods=PERIODS, kinds=KINDS, errors=errors,
                           activity_sentence=activity_sentence), 422 if errors else 200
