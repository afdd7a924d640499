"""Portal pages for reviews: open requests, and rating one."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from portico_kit.errors import ServiceError

from ..auth import portal_page
from ..calls import call
from .panels import portal_home_panel

bp = Blueprint("portal_reviews", __name__, url_prefix="/portal/<portal_name>/reviews")


@bp.get("")
@portal_page
def requests(portal_name):
    items = call("reviews", "list_open_requests", g.actor)
    return render_template("portal/reviews/requests.html", portal=g.portal["portal"], requests=items)


@bp.route("/<request_id>", methods=["GET", "POST"])
@portal_page
def review(portal_name, request_id):
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        body = {"request_id": request_id, "comment": form.get("comment", "")}
        try:
            body["rating"] = int(form.get("rating", ""))
        except ValueError:
            errors = {"rating": "Choose 1 to 5 stars."}
        if not errors:
            try:
                call("reviews", "submit_review", g.actor, body)
            except ServiceError as exc:
                if exc.status not in (409, 422):
                    raise
                errors = dict(exc.fields or {"_form": exc.message})
            else:
                flash(gettext("Thank you for your review!"))
                return redirect(url_for("portal_reviews.review", portal_name=portal_name, request_id=request_id))
    item = call("reviews", "get_request", g.actor, request_id)
    return render_template("portal/reviews/review.html", portal=g.portal["portal"], item=item, errors=errors,
                           form=form), 422 if errors else 200


@portal_home_panel("portal/reviews/home_panel.html", order=80)
def open_requests_panel(actor, portal):
    if not portal["portal"]["features"].get("reviews"):
        return None
    items = call("reviews", "list_open_requests", actor)
    return {"requests": items} if items else None
