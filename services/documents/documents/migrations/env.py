from portico_kit.migrate import run_migrations

from documents.models import Base

run_migrations(Base.metadata)
