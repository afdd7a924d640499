"""Deploy step of a service: migrate its database, then declare its event queues.

    python -m portico_kit.migrate accounts                       # upgrade to head + declare queues
    python -m portico_kit.migrate accounts revision "add notes"  # autogenerate a migration

Each service keeps its alembic scripts in `<package>/migrations`, whose env.py calls
`run_migrations(Base.metadata)` below.
"""
import importlib
import os
import sys
import tempfile

from alembic import command, context
from alembic.config import Config

from . import config
from .db import make_engine, normalize_url


def alembic_config(package, url=None):
    module = importlib.import_module(package)
    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(os.path.dirname(module.__file__), "migrations"))
    # passed as an attribute, not an option: ConfigParser would choke on "%" in a password
    cfg.attributes["url"] = normalize_url(url or config.database_url(package))
    return cfg


def run_migrations(metadata):
    """Called from a service's migrations/env.py."""
    engine = make_engine(context.config.attributes["url"])
    try:
        with engine.connect() as connection:
            # batch mode lets ALTER TABLE work on SQLite too
            context.configure(connection=connection, target_metadata=metadata,
                              render_as_batch=True, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()



def upgrade(package, url=None):
    command.upgrade(alembic_config(package, url), "head")


def revision(package, message):
    """Autogenerate against a scratch SQLite database at head."""
    with tempfile.TemporaryDirectory() as scratch:
        cfg = alembic_config(package, "sqlite:///" + os.path.join(scratch, "scratch.db"))
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    package = argv[1]
    if len(argv) >= 4 and argv[2] == "revision":
        revision(package, argv[3])
        return
    upgrade(package)
    print(f"{package}: database at head ({config.database_url(package).split('@')[-1]})")
    from .messaging import declare_event_queues
    from .loader import service_class
    queues = declare_event_queues(service_class(f"{package}.service"), config.amqp_uri())
    print(f"{package}: declared {len(queues)} event queue(s)")


if __name__ == "__main__":
    main(sys.argv)
