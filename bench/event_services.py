"""Two consumers for the event benchmark, run as real processes by `python -m portico_kit.runner`.

- bench_raw: a nameko handler that only counts (the baseline: broker + nameko alone).
- bench_idempotent: the Portico consumer pattern: `first_delivery` + its own change + a commit.
"""
from nameko.rpc import rpc
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portico_kit.db import Database
from portico_kit.messaging import ProcessedEventMixin, first_delivery, on_event

COUNT = {"n": 0}


class Base(DeclarativeBase):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class Tally(Base):
    __tablename__ = "tally"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class BenchRaw:
    name = "bench_raw"

    @on_event("bench_source", "ticked")
    def on_bench_source_ticked(self, event):
        COUNT["n"] += 1

    @rpc
    def count(self):
        return COUNT["n"]


class BenchIdempotent:
    name = "bench_idempotent"
    db = Database()

    @on_event("bench_source", "ticked")
    def on_bench_source_ticked(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_bench_source_ticked"):
            self.db.add(Tally(event_id=event["event_id"]))
            self.db.commit()

    @rpc
    def count(self):
        return self.db.scalar(select(func.count()).select_from(Tally))
