"""Billing's settings from the environment."""
from portico_kit.config import env_float, env_int


def share_link_ttl_days():
    """How long a forwarded document's link works (SHARE_LINK_TTL_DAYS, default 30)."""
    return env_int("SHARE_LINK_TTL_DAYS", 30)


def payment_wait_seconds():
    """How long a repeated payment request waits for the first one with its key to finish."""
    return env_float("PAYMENT_WAIT_SECONDS", 20.0)
