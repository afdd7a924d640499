from portico_kit.migrate import run_migrations

from customers.models import Base

run_migrations(Base.metadata)
