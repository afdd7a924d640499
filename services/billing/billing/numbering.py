"""Document numbers: INV-000001 and QT-000001, one sequence per organization and kind.

A counter row per (org_id, kind) is read and bumped in the caller's transaction. PostgreSQL locks
it with SELECT ... FOR UPDATE, so two concurrent creations wait for each other instead of taking
the same number; SQLite serializes writers anyway (one connection per process, and the database
lock between processes). The unique constraint (org_id, number) on the documents is the last guard.
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portico_kit.db import is_postgres

from .models import NumberSequence

PREFIXES = {"invoice": "INV", "quote": "QT"}


def format_number(kind, value):
    return f"{PREFIXES[kind]}-{value:06d}"


def next_number(session, org_id, kind):
    """The next number of `kind` for the organization; the caller commits with its document."""
    counter = _locked_counter(session, org_id, kind)
    if counter is None:
        # the first document of this kind: create the counter; if a concurrent request created it
        # first, the savepoint rolls back alone and we lock theirs
        try:
            with session.begin_nested():
                session.add(NumberSequence(org_id=org_id, kind=kind, last_value=0))
        except IntegrityError:
            pass
        counter = _locked_counter(session, org_id, kind)
    counter.last_value += 1
    session.flush()
    return format_number(kind, counter.last_value)


def _locked_counter(session, org_id, kind):
    query = select(NumberSequence).where(NumberSequence.org_id == org_id, NumberSequence.kind == kind)
    if is_postgres(session):
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()
