from portico_kit.testing.migrations import migration_diff

from customers.models import Base


def test_empty_database_migrated_to_head_matches_the_models(db_url):
    assert migration_diff("customers", Base.metadata, db_url) == []
