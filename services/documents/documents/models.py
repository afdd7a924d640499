"""The documents service keeps no business data: only a cache of the PDFs it rendered, keyed by a
hash of everything that went into them (so a changed invoice, letterhead or template renders anew)."""
from sqlalchemy import DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portico_kit.timeutil import utcnow


class Base(DeclarativeBase):
    pass


class RenderedDocument(Base):
    __tablename__ = "rendered_documents"
    __table_args__ = (Index("ix_rendered_documents_used", "last_used_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of kind, template and data
    org_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # invoice | quote | receipt | statement
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)
