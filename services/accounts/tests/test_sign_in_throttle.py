"""Finding 9: failed sign-ins are limited per account from one address and per address over every
account, so spraying is stopped and nobody can lock the owner out from elsewhere."""
import pytest

from portico_kit.errors import TooManyRequests, Unauthorized

from accounts.service import LOGIN_THROTTLE, MAX_FAILURES

from .test_service import accounts, signup  # noqa: F401 - the fixture

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def test_guessing_from_one_address_never_locks_the_owner_out_elsewhere(accounts):  # noqa: F811
    signup(accounts)
    for _ in range(MAX_FAILURES):
        with pytest.raises(Unauthorized):
            accounts.login({"email": "owner@acme.test", "password": "guess"}, ATTACKER)
    with pytest.raises(TooManyRequests) as err:
        accounts.login({"email": "owner@acme.test", "password": "correct horse"}, ATTACKER)
    assert err.value.code == "too_many_attempts" and 800 <= err.value.retry_after <= 900
    assert accounts.login({"email": "owner@acme.test", "password": "correct horse"}, OWNER)["token"]


def test_one_password_against_many_emails_from_one_address_is_429(accounts):  # noqa: F811
    signup(accounts)
    limit = LOGIN_THROTTLE.client.limit
    for i in range(limit):
        with pytest.raises(Unauthorized):
            accounts.login({"email": f"user{i}@victims.test", "password": "Summer2026!"}, ATTACKER)
    with pytest.raises(TooManyRequests):
        accounts.login({"email": "someone-else@victims.test", "password": "Summer2026!"}, ATTACKER)
    # everyone else is untouched
    assert accounts.login({"email": "owner@acme.test", "password": "correct horse"}, OWNER)["token"]
