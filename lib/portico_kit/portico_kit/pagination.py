"""`?page=1&per_page=50` -> {"items", "page", "per_page", "total"} (API.md lists)."""
from sqlalchemy import func, select

from .errors import Invalid

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # far past any list's end; the offset stays a 64-bit number for every database


def page_params(page=1, per_page=50):
    try:
        page, per_page = int(page or 1), int(per_page or 50)
    except (TypeError, ValueError):
        raise Invalid(code="invalid_pagination", message="page and per_page must be whole numbers.")
    fields = {}
    if not 1 <= page <= MAX_PAGE:
        fields["page"] = f"Must be between 1 and {MAX_PAGE}."
    if not 1 <= per_page <= MAX_PER_PAGE:
        fields["per_page"] = f"Must be between 1 and {MAX_PER_PAGE}."
    if fields:
        raise Invalid(code="invalid_pagination", message="Invalid pagination.", fields=fields)
    return page, per_page


def paginate(session, query, serialize, page=1, per_page=50):
    page, per_page = page_params(page, per_page)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [serialize(row) for row in rows], "page": page, "per_page": per_page, "total": total}
