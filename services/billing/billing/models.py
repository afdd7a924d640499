"""Billing's tables. Money is Numeric(15, 3) (the most decimals a currency has: KWD, BHD, OMR) and
never a float; ids are UUID strings."""
import uuid

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, false,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portico_kit.messaging import OutboxEventMixin, ProcessedEventMixin
from portico_kit.timeutil import utcnow

MONEY = Numeric(15, 3)
QUANTITY = Numeric(14, 4)
PERCENT = Numeric(7, 4)
HOURS = Numeric(6, 2)


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class DocumentMixin:
    """What invoices and quotes share: number, customer, dates, currency, totals."""
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    number: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[str] = mapped_column(String(36))
    # kept on the document: lists and searches never call the customers service
    customer_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    date: Mapped[object] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str] = mapped_column(Text, default="")
    subtotal: Mapped[object] = mapped_column(MONEY, default=0)
    tax_total: Mapped[object] = mapped_column(MONEY, default=0)
    total: Mapped[object] = mapped_column(MONEY, default=0)
    sent_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    # "viewed": by a customer contact (portal page, portal API or the PDF); staff reads never count
    viewed_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    viewed_by_contact_id: Mapped[str | None] = mapped_column(String(36))
    viewed_by_name: Mapped[str | None] = mapped_column(String(200))
    last_viewed_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    last_viewed_by_name: Mapped[str | None] = mapped_column(String(200))
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Invoice(DocumentMixin, Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("org_id", "number", name="uq_invoices_org_number"),
                      Index("ix_invoices_org_customer", "org_id", "customer_id"))

    due_date: Mapped[object] = mapped_column(Date)
    amount_paid: Mapped[object] = mapped_column(MONEY, default=0)
    balance_due: Mapped[object] = mapped_column(MONEY, default=0)
    quote_id: Mapped[str | None] = mapped_column(String(36))
    voided_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))

    line_items: Mapped[list["InvoiceLine"]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin")
    payments: Mapped[list["Payment"]] = relationship(
        order_by="Payment.created_at", back_populates="invoice", lazy="selectin")


class Quote(DocumentMixin, Base):
    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("org_id", "number", name="uq_quotes_org_number"),
                      Index("ix_quotes_org_customer", "org_id", "customer_id"))

    expiry_date: Mapped[object] = mapped_column(Date)
    invoice_id: Mapped[str | None] = mapped_column(String(36))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    accepted_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    declined_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))

    line_items: Mapped[list["QuoteLine"]] = relationship(
        order_by="QuoteLine.position", cascade="all, delete-orphan", lazy="selectin")


class LineMixin:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[object] = mapped_column(QUANTITY)
    rate: Mapped[object] = mapped_column(MONEY)
    discount: Mapped[object] = mapped_column(PERCENT, default=0)
    tax_rate: Mapped[object] = mapped_column(PERCENT, default=0)
    amount: Mapped[object] = mapped_column(MONEY)
    tax_amount: Mapped[object] = mapped_column(MONEY)


class InvoiceLine(LineMixin, Base):
    __tablename__ = "invoice_lines"
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)


class QuoteLine(LineMixin, Base):
    __tablename__ = "quote_lines"
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)


class NumberSequence(Base):
    """The last number handed out per organization and kind (invoice, quote); see numbering.py."""
    __tablename__ = "number_sequences"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_org_customer", "org_id", "customer_id"),
                      UniqueConstraint("charge_id", name="uq_payments_charge_id"),
                      UniqueConstraint("org_id", "request_key", name="uq_payments_request_key"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    invoice_number: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[str] = mapped_column(String(36))
    customer_name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[object] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    date: Mapped[object] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(10))  # staff | portal
    # a card payment keeps the brand and last four digits only, never the number or cvc
    card_brand: Mapped[str | None] = mapped_column(String(20))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    # the processor's id (a test charge, a Stripe PaymentIntent): unique, so a replayed webhook or a
    # webhook racing the customer's return can never write a second payment for one charge
    charge_id: Mapped[str | None] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(20))  # test | stripe, for card payments
    amount_refunded: Mapped[object] = mapped_column(MONEY, default=0, server_default="0")
    # a staff-recorded payment's Idempotency-Key (per staff user): the same key records it once
    request_key: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")
    refunds: Mapped[list["Refund"]] = relationship(order_by="Refund.created_at", back_populates="payment",
                                                   lazy="selectin")


class Refund(Base):
    """Money given back on a payment: through Stripe for Stripe payments, recorded for the others.
    `provider_refund_id` is unique: a refund made in Stripe's dashboard and reported by webhook
    (however often) is recorded once."""
    __tablename__ = "refunds"
    __table_args__ = (Index("ix_refunds_org_customer", "org_id", "customer_id"),
                      UniqueConstraint("provider_refund_id", name="uq_refunds_provider_refund_id"),
                      UniqueConstraint("payment_id", "request_key", name="uq_refunds_request_key"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    amount: Mapped[object] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="succeeded")  # succeeded|pending|failed
    source: Mapped[str] = mapped_column(String(10), default="staff")  # staff | stripe (its dashboard)
    provider_refund_id: Mapped[str | None] = mapped_column(String(100))
    # the caller's Idempotency-Key (the staff page's confirmation form carries one): a double
    # submit or a retry answers the refund made the first time instead of refunding twice
    request_key: Mapped[str | None] = mapped_column(String(255))
    date: Mapped[object] = mapped_column(Date)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class StripeCustomer(Base):
    """The Stripe Customer that holds one Portico customer's cards (created on first use)."""
    __tablename__ = "stripe_customers"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    stripe_customer_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedCard(Base):
    """A card the customer chose to keep (a Stripe PaymentMethod attached to their Stripe Customer):
    brand, last four and expiry only; the card itself stays at Stripe."""
    __tablename__ = "saved_cards"
    __table_args__ = (Index("ix_saved_cards_org_customer", "org_id", "customer_id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the PaymentMethod id, pm_...
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(Integer)
    exp_year: Mapped[int] = mapped_column(Integer)
    expiry_reminded: Mapped[str | None] = mapped_column(String(7))  # "YYYY-MM" the reminder went out
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # the organization's, for "this month"
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class Autopay(Base):
    """A customer's autopay: their open invoices are charged off-session on the due date."""
    __tablename__ = "autopay"

    org_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_method_id: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # the organization's, for "today"
    # the organization's day autopay was (last) turned on: invoices due from then on are charged,
    # also those whose due date passed while billing was down; never older ones
    enabled_on: Mapped[object] = mapped_column(Date, nullable=True)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class StripeEvent(Base):
    """Webhook events already handled (by Stripe's event id): a redelivery is answered 200 at once."""
    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class PaymentAttempt(Base):
    """One idempotency key of a portal payment, claimed (committed) before the card is charged.

    The unique key makes a concurrent second request with the same key fail to claim it; it then
    waits for this row to leave `pending` and answers with the same payment (or the same error).
    """
    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("org_id", "customer_id", "key", name="uq_payment_attempts_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of invoice and amount asked for
    invoice_id: Mapped[str] = mapped_column(String(36))
    amount: Mapped[object] = mapped_column(MONEY)  # fixed when claimed: a resumed attempt charges the same
    currency: Mapped[str] = mapped_column(String(3))
    # pending (claimed, not charged yet) | requires_action (3-D Secure) | processing | succeeded | failed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    provider: Mapped[str] = mapped_column(String(20), default="test", server_default="test")
    intent_id: Mapped[str | None] = mapped_column(String(100), index=True)  # the Stripe PaymentIntent
    client_secret: Mapped[str | None] = mapped_column(String(200))  # for the browser's 3-D Secure step
    payment_method_id: Mapped[str | None] = mapped_column(String(100))
    save_card: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    kind: Mapped[str] = mapped_column(String(10), default="portal", server_default="portal")  # portal|autopay
    # the organization's time zone when claimed: a webhook settling it later dates the payment by it
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    resumed: Mapped[int] = mapped_column(Integer, default=0)  # times a retry took a stale attempt over
    payment_id: Mapped[str | None] = mapped_column(String(36))
    charge_id: Mapped[str | None] = mapped_column(String(100))
    error_status: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_doc", "org_id", "doc_type", "doc_id"),
                      UniqueConstraint("org_id", "request_key", name="uq_comments_request_key"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    doc_type: Mapped[str] = mapped_column(String(10))  # invoice | quote
    doc_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    author_kind: Mapped[str] = mapped_column(String(10))  # staff | customer
    author_name: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[str | None] = mapped_column(String(36))
    # the Idempotency-Key it was posted with (per author): the same key posts it once
    request_key: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShareLink(Base):
    """A forwarded document, readable without signing in until `expires_at`, on one portal only."""
    __tablename__ = "share_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(36))
    portal_name: Mapped[str] = mapped_column(String(100))
    doc_type: Mapped[str] = mapped_column(String(10))
    doc_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(200))
    contact_id: Mapped[str | None] = mapped_column(String(36))
    # the customer's contact who forwarded it (rate limits, and "who forwarded it" for staff)
    sender_contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # a revoked link answers 410: staff revoked it, or the document was voided, the customer's
    # portal disabled, the recipient's contact deleted, forwarding turned off (`revoked_reason`)
    revoked_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(30))
    last_opened_at: Mapped[object | None] = mapped_column(DateTime(timezone=True))
    open_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_org_customer", "org_id", "customer_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))
    customer_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    billing_method: Mapped[str] = mapped_column(String(20))  # fixed_cost | hourly
    fixed_cost: Mapped[object | None] = mapped_column(MONEY)
    hourly_rate: Mapped[object | None] = mapped_column(MONEY)
    budget_hours: Mapped[object | None] = mapped_column(Numeric(10, 2))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    time_entries: Mapped[list["TimeEntry"]] = relationship(
        order_by="(TimeEntry.date, TimeEntry.created_at)", cascade="all, delete-orphan", lazy="selectin")


class TimeEntry(Base):
    __tablename__ = "time_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(String(36))
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    date: Mapped[object] = mapped_column(Date)
    hours: Mapped[object] = mapped_column(HOURS)
    description: Mapped[str] = mapped_column(Text, default="")
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    billed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxEvent(OutboxEventMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass
