"""Customer reviews: staff ask, customers rate, staff read the Customer Review Report."""
import csv
import io

from flask import Blueprint, Response, g, jsonify, request

from ..auth import portal_api, staff_api
from ..calls import call, json_body

bp = Blueprint("api_reviews", __name__)

CSV_COLUMNS = ("submitted_at", "customer_name", "customer_id", "rating", "comment", "id")


def report_args(args):
    return (args.get("from") or None, args.get("to") or None, args.get("sort") or "date",
            args.get("order") or "desc")


def report_csv(report):
    """The report's rows as CSV. A cell that a spreadsheet would run as a formula is quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in report["items"]:
        writer.writerow([_cell(item[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(report):
    filename = f"customer-reviews-{report['from']}-to-{report['to']}.csv"
    return Response(report_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/api/v1/customers/<customer_id>/review-requests")
@staff_api
def request_review(customer_id):
    json_body(allow_empty=True)  # no fields; a malformed body is still refused
    return jsonify(call("reviews", "request_review", g.actor, customer_id)), 201


@bp.get("/api/v1/customers/<customer_id>/review-requests")
@staff_api
def list_review_requests(customer_id):
    items = call("reviews", "list_customer_requests", g.actor, customer_id)
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@bp.get("/api/v1/reports/reviews")
@staff_api
def review_report():
    report = call("reviews", "report", g.actor, *report_args(request.args))
    if request.args.get("format") == "csv":
        return csv_response(report)
    return jsonify(report)


@bp.get("/portal/<portal_name>/api/v1/review-requests")
@portal_api
def open_requests(portal_name):
    items = call("reviews", "list_open_requests", g.actor)
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@bp.get("/portal/<portal_name>/api/v1/review-requests/<request_id>")
@portal_api
def get_request(portal_name, request_id):
    return jsonify(call("reviews", "get_request", g.actor, request_id))


@bp.post("/portal/<portal_name>/api/v1/reviews")
@portal_api
def submit_review(portal_name):
    return jsonify(call("reviews", "submit_review", g.actor, json_body())), 201
