"""Rendered PDFs kept by a hash of everything that went into them: kind, template version and the
printed data. Asking again for an unchanged document costs a lookup, not a render."""
import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from portico_kit.timeutil import utcnow

from . import config
from .models import RenderedDocument


def key_of(*parts):
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get(session, key):
    row = session.get(RenderedDocument, key)
    if row is None:
        return None
    content = row.content
    session.execute(update(RenderedDocument).where(RenderedDocument.key == key).values(last_used_at=utcnow()))
    session.commit()
    return content


def put(session, key, org_id, kind, filename, content):
    session.add(RenderedDocument(key=key, org_id=org_id, kind=kind, filename=filename, size=len(content),
                                 content=content))
    try:
        session.commit()
    except IntegrityError:  # the same document rendered at the same moment by another worker
        session.rollback()


def purge(session):
    before = utcnow() - timedelta(days=config.cache_days())
    result = session.execute(delete(RenderedDocument).where(RenderedDocument.last_used_at < before))
    session.commit()
    return result.rowcount
