import uuid

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portico_kit.messaging import OutboxEventMixin, ProcessedEventMixin
from portico_kit.timeutil import utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[dict | None] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # the default language of its portal, emails and documents (customers and contacts may choose theirs)
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    # tax identity printed on documents: "VAT" DE123456789, "TRN" 100000000000003, "GSTIN" ...
    tax_id: Mapped[str | None] = mapped_column(String(50))
    tax_label: Mapped[str | None] = mapped_column(String(20))
    # how else customers can pay (bank details, cheques to ...): shown beside online payment in the
    # portal, and alone where online payment cannot run (no JavaScript)
    payment_instructions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organization")


class Branding(Base):
    """How the organization's documents, emails and portal look: a logo (only the re-encoded pixels
    are kept), an accent colour; and whether emails carry the PDF and invoices are Factur-X."""
    __tablename__ = "branding"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    accent_color: Mapped[str | None] = mapped_column(String(7))
    attach_pdf_to_emails: Mapped[bool] = mapped_column(Boolean, default=False)
    facturx: Mapped[bool] = mapped_column(Boolean, default=False)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_content_type: Mapped[str | None] = mapped_column(String(20))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # staff sign in by email alone
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="owner")
    language: Mapped[str | None] = mapped_column(String(5))  # their own choice; None: the organization's
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship(back_populates="users")


class ApiToken(Base):
    """A staff session or API token; only its SHA-256 is stored."""
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """Attempts per email, for rate limiting (429): failed sign-ins (kind "login", against password
    guessing) and password-reset requests (kind "reset", against mail bombing). See portico_kit.throttle."""
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_at", "email", "failed_at"),
                      Index("ix_login_failures_client_at", "client", "failed_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(10), default="login", server_default="login")
    email: Mapped[str] = mapped_column(String(254))
    # the address the attempt came from ("" unknown): per-address limits, see portico_kit.throttle
    client: Mapped[str] = mapped_column(String(45), default="", server_default="")
    failed_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class PasswordReset(Base):
    """A password-reset link sent by email: single use, expiring; only the token's hash is kept."""
    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class OutboxEvent(OutboxEventMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class IdempotencyRecord(Base):
    """The first answer to a mutating API request sent with an Idempotency-Key, kept for the
    gateway (which has no database) per organization, actor and key. `status` is None while the
    first request still runs."""
    __tablename__ = "idempotency_records"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
