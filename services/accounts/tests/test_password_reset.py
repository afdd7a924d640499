"""Staff password reset over the real broker: the event, single use, expiry, sessions, throttling."""
from datetime import timedelta

import eventlet
import pytest
from nameko.events import event_handler
from sqlalchemy import create_engine, update

from portico_kit.errors import Gone, Invalid, NotFound, TooManyRequests, Unauthorized
from portico_kit.timeutil import utcnow

from accounts.models import PasswordReset
from accounts.password_reset import RESET_THROTTLE
from accounts.service import AccountsService

RECEIVED = []
ENDED = []  # staff_sessions_ended and user_updated: what the gateway evicts its cached tokens on


class Collector:
    name = "accounts_reset_collector"

    @event_handler("accounts", "staff_password_reset_requested")
    def on_reset(self, event):
        RECEIVED.append(event)

    @event_handler("accounts", "staff_sessions_ended")
    def on_sessions_ended(self, event):
        ENDED.append(event)

    @event_handler("accounts", "user_updated")
    def on_user_updated(self, event):
        ENDED.append(event)


@pytest.fixture
def system(start_service, container_factory, rabbit_config, rpc_client):
    RECEIVED.clear()
    ENDED.clear()
    _, config = start_service(AccountsService, "accounts")
    container_factory(Collector, rabbit_config).start()
    accounts = rpc_client("accounts")
    owner = accounts.signup({"organization_name": "Acme Ltd", "name": "Olive Owner",
                             "email": "owner@acme.test", "password": "correct horse"})
    return {"accounts": accounts, "config": config, "owner": owner}


def resets(count=1):
    for _ in range(100):
        if len(RECEIVED) >= count:
            return RECEIVED
        eventlet.sleep(0.05)
    raise AssertionError(f"expected {count} reset events, got {len(RECEIVED)}")


def token_of(event):
    return event["data"]["reset_url"].rsplit("/", 1)[1]


def test_reset_by_link_is_single_use_and_ends_other_sessions(system):
    accounts, owner = system["accounts"], system["owner"]
    assert accounts.request_password_reset({"email": " Owner@Acme.test "}) == {"accepted": True}
    [event] = resets()
    data = event["data"]
    assert data["reset_url"].startswith("http://localhost:8000/app/reset/")
    assert data["user"] == {"id": owner["user"]["id"], "name": "Olive Owner", "email": "owner@acme.test",
                            "language": "en"}  # the email speaks it
    assert data["organization"] == {"id": owner["organization"]["id"], "name": "Acme Ltd"}
    assert data["expires_at"].endswith("Z") and event["org_id"] == owner["organization"]["id"]
    token = token_of(event)
    assert accounts.get_password_reset(token)["email"] == "owner@acme.test"

    with pytest.raises(Invalid) as err:
        accounts.reset_password(token, {"password": "short"})
    assert "password" in err.value.fields
    result = accounts.reset_password(token, {"password": "battery staple"})
    assert accounts.authenticate(result["token"])["email"] == "owner@acme.test"
    with pytest.raises(Unauthorized):  # the session from before the reset has ended
        accounts.authenticate(owner["token"])
    with pytest.raises(NotFound):  # single use
        accounts.reset_password(token, {"password": "another one"})
    with pytest.raises(Unauthorized):
        accounts.login({"email": "owner@acme.test", "password": "correct horse"})
    assert accounts.login({"email": "owner@acme.test", "password": "battery staple"})["token"]


def test_unknown_email_gets_the_same_answer_and_no_mail(system):
    accounts = system["accounts"]
    assert accounts.request_password_reset({"email": "nobody@acme.test"}) == {"accepted": True}
    eventlet.sleep(0.5)
    assert RECEIVED == []


def test_expired_link_says_so(system):
    accounts = system["accounts"]
    accounts.request_password_reset({"email": "owner@acme.test"})
    token = token_of(resets()[0])
    engine = create_engine(system["config"]["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    engine.dispose()
    for call in (lambda: accounts.get_password_reset(token),
                 lambda: accounts.reset_password(token, {"password": "battery staple"})):
        with pytest.raises(Gone) as err:
            call()
        assert err.value.code == "reset_expired"


def test_a_new_reset_leaves_earlier_links_working_until_one_is_used(system):
    accounts = system["accounts"]
    accounts.request_password_reset({"email": "owner@acme.test"})
    accounts.request_password_reset({"email": "owner@acme.test"})
    first, second = (token_of(e) for e in resets(2))
    accounts.reset_password(second, {"password": "battery staple"})
    with pytest.raises(NotFound):
        accounts.get_password_reset(first)


def test_bad_input_is_refused(system):
    accounts = system["accounts"]
    for body in ({"email": "not-an-email"}, {"email": 42}, {}, {"email": "a@b.test", "extra": 1}, ["x"]):
        with pytest.raises(Invalid):
            accounts.request_password_reset(body)
    with pytest.raises(NotFound):
        accounts.reset_password("made-up", {"password": "battery staple"})
    with pytest.raises(Invalid):
        accounts.reset_password("made-up", {"password": 12345678})


def test_requests_are_throttled_per_email_known_or_not(system):
    accounts = system["accounts"]
    for email in ("owner@acme.test", "nobody@acme.test"):
        for _ in range(RESET_THROTTLE.limit):
            accounts.request_password_reset({"email": email})
        with pytest.raises(TooManyRequests):
            accounts.request_password_reset({"email": email})
    # sign-in failures are counted apart: reset requests never lock anyone out of signing in
    assert accounts.login({"email": "owner@acme.test", "password": "correct horse"})["token"]


def ended(count):
    for _ in range(100):
        if len(ENDED) >= count:
            return ENDED
        eventlet.sleep(0.05)
    raise AssertionError(f"expected {count} events, got {len(ENDED)}")


def test_ending_tokens_and_changing_ones_profile_are_published_for_the_gateway(system):
    accounts, owner = system["accounts"], system["owner"]
    user_id, org_id = owner["user"]["id"], owner["organization"]["id"]
    accounts.logout("no-such-token")  # nothing ended: nothing published
    second = accounts.login({"email": "owner@acme.test", "password": "correct horse"})["token"]
    accounts.logout(second)
    [event] = ended(1)
    assert (event["event_type"], event["data"], event["org_id"]) == \
        ("staff_sessions_ended", {"user": {"id": user_id}, "reason": "logout"}, org_id)

    accounts.update_profile(accounts.authenticate(owner["token"]), {"language": "de"})
    event = ended(2)[1]
    assert event["event_type"] == "user_updated" and event["data"]["user"]["language"] == "de"

    accounts.request_password_reset({"email": "owner@acme.test"})
    accounts.reset_password(token_of(resets()[0]), {"password": "battery staple"})
    event = ended(3)[2]
    assert event["event_type"] == "staff_sessions_ended" and event["data"]["reason"] == "password_reset"
