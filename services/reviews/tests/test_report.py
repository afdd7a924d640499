"""The Customer Review Report: period in the organization's days, average, distribution, order."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, update

from portico_kit.errors import Invalid

from reviews.models import Review

from .conftest import staff_actor


def review(system, org, rating, comment=""):
    request = system.reviews.request_review(org.staff, org.customer["id"])
    return system.reviews.submit_review(org.me, {"request_id": request["id"], "rating": rating, "comment": comment})


def set_submitted_at(system, review_id, when):
    engine = create_engine(system.reviews_config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(Review).where(Review.id == review_id).values(submitted_at=when))
    engine.dispose()


def test_the_last_minute_of_the_last_local_day_is_in(system, org):
    new_york = staff_actor("org-1", "America/New_York")
    late = review(system, org, 5, "late night")       # 23:59 on 31 March in New York = 03:59 UTC, 1 April
    set_submitted_at(system, late["id"], datetime(2026, 4, 1, 3, 59, tzinfo=timezone.utc))
    next_day = review(system, org, 1, "next day")     # 00:00 on 1 April in New York
    set_submitted_at(system, next_day["id"], datetime(2026, 4, 1, 4, 0, tzinfo=timezone.utc))
    march = system.reviews.report(new_york, "2026-03-01", "2026-03-31")
    assert [i["comment"] for i in march["items"]] == ["late night"]
    assert march["timezone"] == "America/New_York"
    # the same instants in UTC days: both fall on 1 April
    assert system.reviews.report(staff_actor("org-1", "UTC"), "2026-03-01", "2026-03-31")["count"] == 0
    assert system.reviews.report(staff_actor("org-1", "UTC"), "2026-04-01", "2026-04-01")["count"] == 2


def test_count_average_distribution_and_order(system, org):
    for rating, when in ((5, 10), (4, 11), (4, 12), (1, 13)):
        item = review(system, org, rating, f"r{rating}-{when}")
        set_submitted_at(system, item["id"], datetime(2026, 6, when, 12, 0, tzinfo=timezone.utc))
    report = system.reviews.report(org.staff, "2026-06-01", "2026-06-30")
    assert report["count"] == 4 and report["average_rating"] == 3.5
    assert report["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1}
    assert [i["comment"] for i in report["items"]] == ["r1-13", "r4-12", "r4-11", "r5-10"]  # newest first
    by_rating = system.reviews.report(org.staff, "2026-06-01", "2026-06-30", "rating", "desc")
    assert [i["rating"] for i in by_rating["items"]] == [5, 4, 4, 1]
    assert set(report["items"][0]) >= {"id", "customer_id", "customer_name", "rating", "comment", "submitted_at"}


def test_turning_reviews_off_keeps_them_in_the_report(system, org):
    item = review(system, org, 4)
    system.portal.update_preferences(org.staff, {"reviews_enabled": False})
    day = item["submitted_at"][:10]
    assert system.reviews.report(org.staff, day, day)["count"] == 1


def test_only_the_organizations_own_reviews(system, org):
    item = review(system, org, 4)
    day = item["submitted_at"][:10]
    other = staff_actor("org-2")
    assert system.reviews.report(other, day, day) == dict(system.reviews.report(other, day, day), count=0, items=[])
    assert system.reviews.report(other, day, day)["average_rating"] is None


@pytest.mark.parametrize("date_from, date_to, field", [
    ("2026-13-01", "2026-12-31", "from"), ("yesterday", None, "from"), ("2026-05-02", "2026-05-01", "to"),
])
def test_bad_periods_are_refused(system, org, date_from, date_to, field):
    with pytest.raises(Invalid) as err:
        system.reviews.report(org.staff, date_from, date_to)
    assert err.value.code == "invalid_period" and field in err.value.fields


def test_bad_sort_is_refused(system, org):
    with pytest.raises(Invalid):
        system.reviews.report(org.staff, None, None, "customer", "desc")
