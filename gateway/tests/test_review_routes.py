"""Review routes with the RPC layer faked: CSV, presets, the staff page's period handling."""
import csv
import io
from datetime import date

from portico_kit.errors import Forbidden

from gateway.web.staff_reviews import preset_range

REPORT = {"items": [{"id": "r1", "customer_id": "c1", "customer_name": "=HYPERLINK(\"x\")", "rating": 5,
                     "comment": "Great, \"really\"\nthanks", "submitted_at": "2026-06-10T12:00:00Z"}],
          "count": 1, "average_rating": 5.0, "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
          "from": "2026-06-01", "to": "2026-06-30", "timezone": "UTC", "sort": "date", "order": "desc"}


def test_report_json_passes_the_period_and_sort(client, rpc, auth):
    rpc.on("reviews", "report", lambda actor, f, t, s, o: dict(REPORT, got=[f, t, s, o]))
    body = client.get("/api/v1/reports/reviews?from=2026-06-01&to=2026-06-30&sort=rating&order=asc",
                      headers=auth).json
    assert body["got"] == ["2026-06-01", "2026-06-30", "rating", "asc"] and body["count"] == 1


def test_report_csv_has_the_same_rows_and_defuses_formulas(client, rpc, auth):
    rpc.on("reviews", "report", lambda *args: REPORT)
    response = client.get("/api/v1/reports/reviews?from=2026-06-01&to=2026-06-30&format=csv", headers=auth)
    assert response.mimetype == "text/csv"
    assert 'filename="customer-reviews-2026-06-01-to-2026-06-30.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["submitted_at", "customer_name", "customer_id", "rating", "comment", "id"]
    assert rows[1] == ["2026-06-10T12:00:00Z", "'=HYPERLINK(\"x\")", "c1", "5", "Great, \"really\"\nthanks", "r1"]


def test_request_review_is_201_and_reviews_disabled_is_403(client, rpc, auth):
    rpc.on("reviews", "request_review", lambda actor, cid: {"id": "rq", "status": "sent", "resent": False})
    response = client.post("/api/v1/customers/c1/review-requests", headers=auth)
    assert response.status_code == 201 and response.json["status"] == "sent"

    def off(*args):
        raise Forbidden(code="reviews_disabled", message="Customer reviews are turned off.")
    rpc.on("reviews", "request_review", off)
    response = client.post("/api/v1/customers/c1/review-requests", headers=auth)
    assert response.status_code == 403 and response.json["error"]["code"] == "reviews_disabled"


def test_presets_cover_weeks_months_quarters_and_years():
    today = date(2026, 11, 25)  # a Wednesday
    assert preset_range("this_week", today) == (date(2026, 11, 23), today)
    assert preset_range("this_month", today) == (date(2026, 11, 1), today)
    assert preset_range("last_month", today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert preset_range("this_quarter", today) == (date(2026, 10, 1), today)
    assert preset_range("this_year", today) == (date(2026, 1, 1), today)
    assert preset_range("last_month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
