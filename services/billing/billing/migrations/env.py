from portico_kit.migrate import run_migrations

from billing.models import Base

run_migrations(Base.metadata)
