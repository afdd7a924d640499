import uuid

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portico_kit.messaging import OutboxEventMixin, ProcessedEventMixin
from portico_kit.timeutil import utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class ReviewRequest(Base):
    """Staff asked a customer for a review. At most one open (`sent`) request per customer: the
    database refuses a second one, so two simultaneous asks cannot pile up."""
    __tablename__ = "review_requests"
    __table_args__ = (
        Index("uq_review_requests_one_open", "customer_id", unique=True,
              sqlite_where=text("status = 'sent'"), postgresql_where=text("status = 'sent'")),
        Index("ix_review_requests_org_customer", "org_id", "customer_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    customer_name: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="sent")  # sent -> completed
    source: Mapped[str] = mapped_column(String(10), default="staff")  # staff | payment
    payment_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sent_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    times_sent: Mapped[int] = mapped_column(Integer, default=1)
    completed_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))

    review: Mapped["Review | None"] = relationship(back_populates="request", uselist=False)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_org_submitted", "org_id", "submitted_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    # unique: one review per request, also when two submissions race
    request_id: Mapped[str] = mapped_column(ForeignKey("review_requests.id"), unique=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[ReviewRequest] = relationship(back_populates="review")


class OutboxEvent(OutboxEventMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass
