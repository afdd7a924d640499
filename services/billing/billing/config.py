"""Billing's settings from the environment."""
from portico_kit.config import env_float, env_int


def share_link_ttl_days():
    """How long a forwarded document's link works (SHARE_LINK_TTL_DAYS, default 30)."""
    return env_int("SHARE_LINK_TTL_DAYS", 30)


def payment_wait_seconds():
    """How long a repeated payment request waits for the first one with its key to finish."""
    return env_float("PAYMENT_WAIT_SECONDS", 20.0)


def payment_stale_seconds():
    """After this long a pending payment attempt is taken to have lost its worker, and a retry with
    its key resumes it (PAYMENT_STALE_SECONDS, default 120; longer than any charge takes)."""
    return env_float("PAYMENT_STALE_SECONDS", 120.0)


def forward_limits():
    """How many documents one contact, and one customer, may forward: [(count, seconds), ...]
    (FORWARD_MAX_PER_HOUR 10 / FORWARD_MAX_PER_DAY 30 per contact; a customer's contacts together
    get three times that)."""
    hour, day = env_int("FORWARD_MAX_PER_HOUR", 10), env_int("FORWARD_MAX_PER_DAY", 30)
    return {"contact": [(hour, 3600), (day, 86400)], "customer": [(3 * hour, 3600), (3 * day, 86400)]}
