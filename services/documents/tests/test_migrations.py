from portico_kit.testing.migrations import migration_diff

from documents.models import Base


def test_empty_database_migrated_to_head_matches_the_models(db_url):
    assert migration_diff("documents", Base.metadata, db_url) == []
