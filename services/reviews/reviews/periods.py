"""Report periods: local days of the organization's time zone turned into UTC instants."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portico_kit import timeutil
from portico_kit.errors import Invalid


def zone(name):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_day(value, field):
    day = timeutil.parse_day(value)
    if day is None:
        raise Invalid(code="invalid_period", message=f"{field} must be a date like 2026-11-30 "
                                                     "(from 1900 to 2999).",
                      fields={field: "Use YYYY-MM-DD, from 1900-01-01 to 2999-12-31."})
    return day


def utc_range(from_day, to_day, tz):
    """[start of from_day, start of the day after to_day) in the zone, as aware UTC datetimes.

    A review at 23:59 local time on `to_day` is in; midnight after it is out.
    """
    start = datetime.combine(from_day, time.min, tzinfo=tz)
    end = datetime.combine(to_day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def period(from_value, to_value, tz_name, today=None):
    """Validated (from_day, to_day, start_utc, end_utc); without dates: this month so far."""
    tz = zone(tz_name)
    today = today or datetime.now(tz).date()
    from_day = parse_day(from_value, "from") if from_value else today.replace(day=1)
    to_day = parse_day(to_value, "to") if to_value else today
    if from_day > to_day:
        raise Invalid(code="invalid_period", message="The period ends before it starts.",
                      fields={"to": "Must be on or after from."})
    start, end = utc_range(from_day, to_day, tz)
    return from_day, to_day, start, end
