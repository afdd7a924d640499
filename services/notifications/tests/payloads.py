"""Event `data` exactly as docs/events.md specifies it (the producers are built in parallel)."""
import uuid


def _id():
    return str(uuid.uuid4())


def customer_ref(customer):
    return {"id": customer["id"], "display_name": customer["display_name"]}


def invoice(customer, number="INV-000042", total="1250.00", balance_due=None, currency="EUR", id=None):
    return {"id": id or _id(), "number": number, "customer_id": customer["id"], "date": "2026-12-02",
            "due_date": "2026-12-16", "total": total, "balance_due": balance_due or total,
            "currency": currency, "status": "sent"}


def quote(customer, number="QT-000007", total="980.50", currency="EUR", status="sent", id=None):
    return {"id": id or _id(), "number": number, "customer_id": customer["id"], "date": "2026-12-01",
            "expiry_date": "2026-12-31", "total": total, "currency": currency, "status": status}


def document(customer, type="invoice", number="INV-000042", total="1250.00", currency="EUR", id=None):
    return {"type": type, "id": id or _id(), "number": number, "customer_id": customer["id"],
            "total": total, "currency": currency, "status": "sent"}


def invoice_sent(customer, **kw):
    return {"invoice": invoice(customer, **kw), "customer": customer_ref(customer)}


def quote_sent(customer, **kw):
    return {"quote": quote(customer, **kw), "customer": customer_ref(customer)}


def quote_accepted(customer, **kw):
    return {"quote": quote(customer, status="accepted", **kw), "customer": customer_ref(customer)}


def quote_declined(customer, reason="Too expensive for us this year.", **kw):
    return {"quote": quote(customer, status="declined", **kw), "customer": customer_ref(customer),
            "reason": reason}


def comment_added(customer, text, author_kind, author_name, doc=None):
    return {"document": doc or document(customer),
            "comment": {"id": _id(), "text": text, "author": {"kind": author_kind, "name": author_name},
                        "created_at": "2026-12-03T09:30:00Z"},
            "customer": customer_ref(customer)}


def payment_recorded(customer, source="portal", amount="250.00", request_review=False):
    inv = invoice(customer, balance_due="1000.00")
    return {"payment": {"id": _id(), "invoice_id": inv["id"], "customer_id": customer["id"], "amount": amount,
                        "currency": "EUR", "date": "2026-12-04", "mode": "card", "reference": "ch_123",
                        "source": source},
            "invoice": {"id": inv["id"], "number": inv["number"], "total": inv["total"],
                        "balance_due": "1000.00", "status": "partially_paid"},
            "customer": customer_ref(customer), "request_review": request_review}


def customer_updated(customer, changes=None):
    """As customers sends it: every change with the label people read (docs/events.md)."""
    return {"customer": customer_ref(customer), "changes": changes or {
        "phone": {"old": None, "new": "+49 30 555 0101", "label": "Phone"},
        "billing_address": {"old": None, "new": {"street": "Radweg 1", "city": "Berlin", "zip": "10115",
                                                 "country": "Germany"}, "label": "Billing address"}}}


def document_forwarded(customer, email="carla@partner.test", name="Carla Partner", doc=None):
    return {"document": doc or document(customer), "customer": customer_ref(customer),
            "recipient": {"name": name, "email": email, "contact_id": _id()},
            "view_url": f"http://localhost:8000/portal/shared/{uuid.uuid4().hex}",
            "expires_at": "2026-12-31T10:00:00Z"}


def review_requested(customer, email, name="Bob Baker", request_id=None):
    request_id = request_id or _id()
    return {"request": {"id": request_id, "status": "sent", "created_at": "2026-12-05T08:00:00Z"},
            "customer": customer_ref(customer), "recipient": {"email": email, "name": name},
            "review_url": f"http://localhost:8000/portal/acme/reviews/{request_id}"}


def review_submitted(customer, rating=5, comment="Lovely work, on time."):
    return {"review": {"id": _id(), "request_id": _id(), "rating": rating, "comment": comment,
                       "submitted_at": "2026-12-06T12:00:00Z"},
            "customer": customer_ref(customer)}


def portal_password_reset(org, customer, contact, portal):
    return {"contact": {"id": contact["id"], "email": contact["email"], "name": contact["name"]},
            "customer": customer_ref(customer), "organization": {"id": org.id, "name": org.name},
            "portal": {"name": portal["portal_name"], "url": portal["portal_url"]},
            "reset_url": f"{portal['portal_url']}/reset/RESET-TOKEN-1", "expires_at": "2026-12-02T11:00:00Z"}


def staff_password_reset(org, email, name="Olive Owner"):
    return {"user": {"id": _id(), "name": name, "email": email}, "organization": {"id": org.id, "name": org.name},
            "reset_url": "http://localhost:8000/app/reset/STAFF-TOKEN-1", "expires_at": "2026-12-02T11:00:00Z"}
