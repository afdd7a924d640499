from portico_kit.migrate import run_migrations

from reviews.models import Base

run_migrations(Base.metadata)
