"""Report periods: local days of the organization's time zone turned into UTC instants."""
from datetime import date, datetime

from portico_kit.errors import Invalid
from portico_kit.timeutil import local_days_to_utc, zone


def parse_day(value, field):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(code="invalid_period", message=f"{field} must be a date like 2026-11-30.",
                      fields={field: "Use YYYY-MM-DD."})


def period(from_value, to_value, tz_name, today=None):
    """Validated (from_day, to_day, start_utc, end_utc); without dates: this month so far."""
    today = today or datetime.now(zone(tz_name)).date()
    from_day = parse_day(from_value, "from") if from_value else today.replace(day=1)
    to_day = parse_day(to_value, "to") if to_value else today
    if from_day > to_day:
        raise Invalid(code="invalid_period", message="The period ends before it starts.",
                      fields={"to": "Must be on or after from."})
    start, end = local_days_to_utc(from_day, to_day, tz_name)
    return from_day, to_day, start, end
