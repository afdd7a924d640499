"""Times cross boundaries as ISO 8601 UTC strings; inside a service they are aware datetimes."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow():
    return datetime.now(timezone.utc)


def iso(value):
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; we only ever store UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def aware(value):
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def zone(name):
    """The organization's time zone by IANA name; UTC when it has none or it is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in(zone_name):
    """Today as the organization sees it (an invoice is overdue by its day, not the server's)."""
    return datetime.now(zone(zone_name)).date()


def local_days_to_utc(from_day: date | None, to_day: date | None, zone_name):
    """Inclusive local days -> [start of from_day, start of the day after to_day) as aware UTC datetimes.

    A moment at 23:59 local time on `to_day` is in; midnight after it is out. A missing day is open (None).
    """
    tz = zone(zone_name)
    start = datetime.combine(from_day, time.min, tz).astimezone(timezone.utc) if from_day else None
    end = datetime.combine(to_day + timedelta(days=1), time.min, tz).astimezone(timezone.utc) if to_day else None
    return start, end


def format_moment(value, fmt="%d %b %Y, %H:%M UTC"):
    """An ISO date or timestamp for people: "02 Dec 2026, 10:00 UTC" ("—" when there is none)."""
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).strftime(fmt)
    except ValueError:
        return str(value)


def format_day(value):
    """"2026-12-02" -> "02 Dec 2026"."""
    return format_moment(value, "%d %b %Y")
