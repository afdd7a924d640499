"""The migration test every service has: an empty database migrated to head equals the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ..db import make_engine
from ..migrate import upgrade


def migration_diff(package, metadata, url):
    upgrade(package, url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()
