from portico_kit.testing.migrations import migration_diff

from billing.models import Base


def test_empty_database_migrated_to_head_matches_the_models(db_url):
    assert migration_diff("billing", Base.metadata, db_url) == []


def test_existing_amounts_keep_their_value_and_gain_a_third_decimal(db_url):
    """The money migration widens two decimals to three without changing what is stored."""
    from decimal import Decimal

    from alembic import command
    from sqlalchemy import text

    from portico_kit.db import make_engine
    from portico_kit.migrate import alembic_config

    cfg = alembic_config("billing", db_url)
    command.upgrade(cfg, "af58c3276968")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO payment_attempts (id, org_id, customer_id, key, fingerprint, invoice_id, amount, currency,"
                " status, resumed, created_at, updated_at) VALUES ('a1', 'o', 'c', 'k', 'f', 'i', 1250.50, 'USD',"
                " 'succeeded', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        command.upgrade(cfg, "head")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO payment_attempts (id, org_id, customer_id, key, fingerprint, invoice_id, amount, currency,"
                " status, resumed, created_at, updated_at) VALUES ('a2', 'o', 'c', 'k2', 'f', 'i', 30.375, 'KWD',"
                " 'succeeded', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            amounts = dict(conn.execute(text("SELECT id, amount FROM payment_attempts")).all())
    finally:
        engine.dispose()
    assert Decimal(str(amounts["a1"])) == Decimal("1250.50")
    assert Decimal(str(amounts["a2"])) == Decimal("30.375")
