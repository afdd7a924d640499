import uuid

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portico_kit.messaging import OutboxEventMixin, ProcessedEventMixin
from portico_kit.timeutil import utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    # a create retried with the same Idempotency-Key (per staff user) finds this customer again
    __table_args__ = (UniqueConstraint("org_id", "creation_key", name="uq_customer_creation_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    website: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    language: Mapped[str | None] = mapped_column(String(5))  # None: the organization's
    tax_id: Mapped[str | None] = mapped_column(String(50))  # the customer's VAT / TRN / GSTIN, on documents
    billing_address: Mapped[dict | None] = mapped_column(JSON)
    shipping_address: Mapped[dict | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)
    creation_key: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    contacts: Mapped[list["ContactPerson"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="ContactPerson.created_at")


class ContactPerson(Base):
    __tablename__ = "contact_persons"
    __table_args__ = (UniqueConstraint("customer_id", "email", name="uq_contact_email_per_customer"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str | None] = mapped_column(String(5))  # their own choice (My details); None: the customer's
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # "staff", or "forwarding": someone a customer forwarded one document to. Such a contact is
    # never invited to the portal implicitly (enable / re-send for all), only when staff choose it.
    added_by: Mapped[str] = mapped_column(String(20), default="staff", server_default="staff")
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class CustomFieldDefinition(Base):
    """A field the organization adds to every customer; values live in `Customer.custom_fields`."""
    __tablename__ = "custom_field_definitions"
    __table_args__ = (UniqueConstraint("org_id", "key", name="uq_custom_field_key_per_org"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    key: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    options: Mapped[list] = mapped_column(JSON, default=list)
    show_in_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    editable_in_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class OutboxEvent(OutboxEventMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass
