"""The organization's days in UTC: one helper for billing's "today", reviews' report periods and the portal log."""
from datetime import date, datetime, timezone

from portico_kit.timeutil import local_days_to_utc, today_in, zone


def test_local_days_become_utc_bounds_in_the_organizations_zone():
    start, end = local_days_to_utc(date(2026, 3, 29), date(2026, 3, 29), "Europe/Berlin")  # DST starts that day
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc)  # a 23-hour day
    assert local_days_to_utc(None, date(2026, 12, 1), "Asia/Tokyo") == (None, datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))


def test_an_unknown_or_missing_zone_is_utc():
    assert str(zone("Mars/Olympus")) == str(zone(None)) == "UTC"
    assert local_days_to_utc(date(2026, 12, 1), None, "nonsense")[0] == datetime(2026, 12, 1, tzinfo=timezone.utc)


def test_today_is_the_organizations_day():
    kiritimati, pago_pago = today_in("Pacific/Kiritimati"), today_in("Pacific/Pago_Pago")  # UTC+14 and UTC-11
    assert (kiritimati - pago_pago).days in (1, 2)  # 25 hours apart: never the same day
