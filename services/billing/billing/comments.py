"""Comments on invoices and quotes, by staff and by the customer (on its own sent documents)."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import public
from portico_kit.rpc import rpc
from portico_kit.validation import load

from . import events
from .models import Comment
from .schemas import CommentSchema, comment_dict
from .status import today


class CommentsMixin:

    @rpc
    def list_comments(self, actor, doc_type, doc_id):
        doc = self._load_document(actor, doc_type, doc_id)
        rows = self.db.scalars(select(Comment).where(
            Comment.org_id == doc.org_id, Comment.doc_type == doc_type, Comment.doc_id == doc.id)
            .order_by(Comment.created_at, Comment.id)).all()
        return [comment_dict(c) for c in rows]

    @rpc
    def add_comment(self, actor, doc_type, doc_id, data, idempotency_key=None):
        """With the client's Idempotency-Key, a retry (its first answer lost: a 503 or 504 that in
        fact posted it) answers the comment posted with it: no second comment, no second email."""
        doc = self._load_document(actor, doc_type, doc_id)
        data = load(CommentSchema(), data)
        kind = "customer" if actor["kind"] == "customer" else "staff"
        author_id = actor.get("contact_id") if kind == "customer" else actor.get("user_id")
        key = f"{kind}:{author_id or ''}:{str(idempotency_key)[:255]}" if idempotency_key else None
        if key is not None:
            made = self._posted_with(doc.org_id, key)
            if made is not None:
                return made
        comment = Comment(org_id=doc.org_id, doc_type=doc_type, doc_id=doc.id, text=data["text"],
                          author_kind=kind, author_name=(actor.get("name") or "")[:200] or kind.title(),
                          author_id=author_id, request_key=key)
        self.db.add(comment)
        try:
            self.db.flush()
        except IntegrityError:  # the same key at the same moment: the other call posted it
            self.db.rollback()
            made = self._posted_with(doc.org_id, key) if key is not None else None
            if made is None:
                raise
            return made
        if doc.sent_at is not None:
            # on a draft it is a note among staff: the customer must not be emailed about a document
            # it cannot open (notifications emails the customer about staff comments)
            self.events(events.COMMENT_ADDED, events.comment_payload(doc_type, doc, comment, today(actor)),
                        actor=public(actor))
        self.db.commit()
        return comment_dict(comment)

    def _posted_with(self, org_id, key):
        comment = self.db.scalars(select(Comment).where(Comment.org_id == org_id, Comment.request_key == key)).first()
        answer = comment_dict(comment) if comment is not None else None
        self.db.commit()
        return answer
