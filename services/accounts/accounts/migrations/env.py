from portico_kit.migrate import run_migrations

from accounts.models import Base

run_migrations(Base.metadata)
