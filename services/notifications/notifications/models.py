import uuid

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portico_kit.messaging import OutboxEventMixin, ProcessedEventMixin
from portico_kit.timeutil import utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class EmailMessage(Base):
    """Every email, recorded before it is sent; delivery retries from here."""
    __tablename__ = "email_messages"
    __table_args__ = (Index("ix_email_messages_due", "status", "next_attempt_at"),
                      Index("ix_email_messages_org_created", "org_id", "created_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(50))
    to_email: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str | None] = mapped_column(String(200))
    from_name: Mapped[str | None] = mapped_column(String(200))  # "Acme via Portico"
    subject: Mapped[str] = mapped_column(String(500))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # queued -> sending -> sent | queued (retry later) | failed (gave up, with last_error)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # one email per (event, kind, recipient): a redelivered event finds it and sends nothing twice
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    # added with templates: where replies go (the organization's email), the event it answers, and
    # when it was last tried
    reply_to: Mapped[str | None] = mapped_column(String(254))
    event_id: Mapped[str | None] = mapped_column(String(36), index=True)
    last_attempt_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))

    attachments: Mapped[list["EmailAttachment"]] = relationship(
        order_by="EmailAttachment.position", cascade="all, delete-orphan", lazy="selectin")


class EmailAttachment(Base):
    """A file sent with an email (a PDF from the documents service), kept with the message so a
    retry sends what the first attempt would have, even if the document changed meanwhile."""
    __tablename__ = "email_attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(ForeignKey("email_messages.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class EmailTemplate(Base):
    """An organization's own subject and body for one kind in one language; no row means the
    organization's text in its own language is used, else the default in the recipient's language."""
    __tablename__ = "email_templates"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    language: Mapped[str] = mapped_column(String(5), primary_key=True, server_default="en")
    subject: Mapped[str] = mapped_column(String(1000))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200))


class InboundEvent(Base):
    """An event accepted for handling (the inbox). Recorded before anything else happens, so an
    event whose handling needs a service that is down is retried from here instead of lost."""
    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("event_id", "handler", name="uq_inbound_event_handler"),
                      Index("ix_inbound_events_due", "status", "next_attempt_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(36))
    handler: Mapped[str] = mapped_column(String(120))
    event_type: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[str | None] = mapped_column(String(36))
    envelope: Mapped[dict] = mapped_column(JSON)
    # pending -> processing -> done | pending (retry later) | failed (gave up, with last_error)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    emails: Mapped[int] = mapped_column(Integer, default=0)  # how many emails it produced
    received_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class OutboxEvent(OutboxEventMixin, Base):
    """The shared outbox table every service's schema has; notifications publishes nothing yet (no relay runs)."""


class ProcessedEvent(ProcessedEventMixin, Base):
    pass
