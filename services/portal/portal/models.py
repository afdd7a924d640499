import uuid

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portico_kit.messaging import OutboxEventMixin, ProcessedEventMixin
from portico_kit.timeutil import utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class PortalPreferences(Base):
    """One per organization (FEATURES.md A4), saved with one Save."""
    __tablename__ = "portal_preferences"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organization_name: Mapped[str] = mapped_column(String(200))
    # copied from accounts' organization events: the portal's default language, where it is, its clock
    organization_language: Mapped[str | None] = mapped_column(String(5))
    organization_country: Mapped[str | None] = mapped_column(String(2))
    organization_timezone: Mapped[str | None] = mapped_column(String(64))
    portal_name: Mapped[str] = mapped_column(String(63), unique=True)
    banner_message: Mapped[str] = mapped_column(Text, default="")
    notify_staff_on_activity: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_forwarding: Mapped[bool] = mapped_column(Boolean, default=False)
    # when forwarding was last switched on: share links made before it were ended by switching off
    forwarding_enabled_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    notify_customer_on_comment: Mapped[bool] = mapped_column(Boolean, default=True)
    reviews_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    show_projects: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_profile_edit: Mapped[bool] = mapped_column(Boolean, default=False)
    # every payment (online or recorded by staff) emails the customer a receipt (notifications)
    send_payment_receipts: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # the organization's branding, from accounts' organization_updated: shown in the portal header
    logo_url: Mapped[str | None] = mapped_column(String(300))
    accent_color: Mapped[str | None] = mapped_column(String(7))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PortalAccess(Base):
    __tablename__ = "portal_access"

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_language: Mapped[str | None] = mapped_column(String(5))  # from customers' events
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class PortalContact(Base):
    """A contact person's portal login. Email is unique within an organization's portal."""
    __tablename__ = "portal_contacts"
    __table_args__ = (UniqueConstraint("org_id", "email", name="uq_portal_contact_email"),)

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(ForeignKey("portal_access.customer_id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(5))  # the contact's own choice (customers' events)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    invited_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    activated_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    # staff turned this one contact off; the customer's portal stays on for the others
    disabled_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class Invitation(Base):
    """Single use, expiring; only the token's hash is kept."""
    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    contact_id: Mapped[str] = mapped_column(ForeignKey("portal_contacts.contact_id"), index=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class PasswordReset(Base):
    """A password-reset link sent to a portal contact: single use, expiring; only the hash is kept."""
    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36))
    contact_id: Mapped[str] = mapped_column(ForeignKey("portal_contacts.contact_id"), index=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))


class PortalSession(Base):
    __tablename__ = "portal_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    contact_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """Attempts per portal and email, for 429s: failed sign-ins (kind "login") and password-reset
    requests (kind "reset"). See portico_kit.throttle."""
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_portal_login_failures", "org_id", "email", "failed_at"),
                      Index("ix_portal_login_failures_client", "client", "failed_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(10), default="login", server_default="login")
    org_id: Mapped[str] = mapped_column(String(36))
    email: Mapped[str] = mapped_column(String(254))
    # the address the attempt came from ("" unknown): per-address limits, see portico_kit.throttle
    client: Mapped[str] = mapped_column(String(45), default="", server_default="")
    failed_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxEvent(OutboxEventMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class ActivityEntry(Base):
    """One thing a customer did through the portal: the staff's activity log (who, what, which
    document, when). Written from events, one entry per event."""
    __tablename__ = "portal_activity"
    __table_args__ = (Index("ix_portal_activity_org_at", "org_id", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    org_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id: Mapped[str | None] = mapped_column(String(36))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    document_type: Mapped[str | None] = mapped_column(String(20))
    document_id: Mapped[str | None] = mapped_column(String(36))
    document_number: Mapped[str | None] = mapped_column(String(60))
    details: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[object] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
