from portico_kit.migrate import run_migrations

from portal.models import Base

run_migrations(Base.metadata)
