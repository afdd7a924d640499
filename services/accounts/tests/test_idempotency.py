"""The gateway's Idempotency-Key store: the first answer per organization, actor and key, kept for
a day; another request with the key is "reused"; a released key runs again."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from accounts import idempotency
from accounts.service import AccountsService

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u-1"}
CONTACT = {"kind": "customer", "org_id": "org-1", "customer_id": "cu-1", "contact_id": "ct-1"}


@pytest.fixture
def accounts(start_service, rpc_client, tmp_path):
    _, config = start_service(AccountsService, "accounts")
    return rpc_client("accounts"), create_engine(config["DATABASE_URL"])


def test_the_first_answer_comes_back_for_the_same_request_only(accounts):
    rpc, _ = accounts
    assert rpc.idempotency_begin(STAFF, "k1", "fp-a") == {"state": "new"}
    assert rpc.idempotency_begin(STAFF, "k1", "fp-a") == {"state": "in_progress"}  # the first still runs
    rpc.idempotency_finish(STAFF, "k1", 201, '{"id": "cu-9"}')
    assert rpc.idempotency_begin(STAFF, "k1", "fp-a") == {"state": "done", "status": 201, "body": '{"id": "cu-9"}'}
    assert rpc.idempotency_begin(STAFF, "k1", "fp-b") == {"state": "reused"}


def test_keys_belong_to_one_actor_of_one_organization(accounts):
    rpc, _ = accounts
    rpc.idempotency_begin(STAFF, "k", "fp")
    rpc.idempotency_finish(STAFF, "k", 200, "{}")
    assert rpc.idempotency_begin(CONTACT, "k", "fp") == {"state": "new"}
    assert rpc.idempotency_begin(dict(STAFF, user_id="u-2"), "k", "fp") == {"state": "new"}
    assert rpc.idempotency_begin(dict(STAFF, org_id="org-2"), "k", "fp") == {"state": "new"}


def test_a_released_key_runs_again_and_a_finished_one_cannot_be_released(accounts):
    rpc, _ = accounts
    rpc.idempotency_begin(STAFF, "failed", "fp")
    rpc.idempotency_release(STAFF, "failed")
    assert rpc.idempotency_begin(STAFF, "failed", "fp") == {"state": "new"}
    rpc.idempotency_begin(STAFF, "done", "fp")
    rpc.idempotency_finish(STAFF, "done", 201, "{}")
    rpc.idempotency_release(STAFF, "done")
    assert rpc.idempotency_begin(STAFF, "done", "fp")["state"] == "done"


def test_after_a_day_a_key_is_forgotten_and_an_abandoned_one_is_free_again(accounts):
    rpc, engine = accounts
    rpc.idempotency_begin(STAFF, "old", "fp")
    rpc.idempotency_finish(STAFF, "old", 201, "{}")
    rpc.idempotency_begin(STAFF, "abandoned", "fp")
    with engine.begin() as conn:
        conn.execute(text("UPDATE idempotency_records SET created_at = :t WHERE key = 'old'"),
                      {"t": "2000-01-01 00:00:00.000000"})
        conn.execute(text("UPDATE idempotency_records SET created_at = :t WHERE key = 'abandoned'"),
                      {"t": "2000-01-01 00:00:00.000000"})
    assert rpc.idempotency_begin(STAFF, "old", "fp-other") == {"state": "new"}
    assert rpc.idempotency_begin(STAFF, "abandoned", "fp") == {"state": "new"}
    assert idempotency.TTL == timedelta(hours=24)
