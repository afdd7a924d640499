"""Forwarding a document: the switch, the contact, the event, the expiring read-only link."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, update

from portico_kit.errors import Forbidden, Gone, Invalid, NotFound
from portico_kit.timeutil import utcnow

from billing.models import ShareLink

from .conftest import events_of, new_invoice, new_quote


def forward(system, doc, doc_type="invoice", email="Carla@Partner.test", name="Carla Partner"):
    return system.billing.forward_document(system.me, doc_type, doc["id"], {"email": email, "name": name})


def test_forwarding_disabled_is_403_and_nothing_happens(system):
    system.state["features"]["org-1"] = {"forwarding": False}
    invoice = new_invoice(system)
    with pytest.raises(Forbidden) as err:
        forward(system, invoice)
    assert err.value.code == "forwarding_disabled"
    assert system.state["contact_calls"] == []


def test_forwarding_adds_the_contact_publishes_and_the_link_shows_the_document(system):
    invoice = new_invoice(system)
    result = forward(system, invoice)
    assert result["forwarded"] is True
    assert result["recipient"] == {"name": "Carla Partner", "email": "carla@partner.test",
                                   "contact_id": "contact-1-cust-1"}
    [call] = system.state["contact_calls"]
    assert call["customer_id"] == "cust-1" and call["actor"]["kind"] == "customer"
    assert call["data"] == {"first_name": "Carla", "last_name": "Partner", "email": "carla@partner.test"}
    [event] = events_of(system.received, "document_forwarded")
    data = event["data"]
    assert data["document"] == {"type": "invoice", "id": invoice["id"], "number": invoice["number"],
                                "customer_id": "cust-1", "total": "1190.00", "currency": "EUR", "status": "sent"}
    assert data["recipient"] == result["recipient"] and data["expires_at"] == result["expires_at"]
    assert data["customer"] == {"id": "cust-1", "display_name": "Bob's Bikes"}
    prefix = "http://localhost:8000/portal/portal-org-1/shared/"
    assert data["view_url"].startswith(prefix)
    token = data["view_url"][len(prefix):]
    shared = system.billing.get_shared_document("portal-org-1", token)
    assert shared["id"] == invoice["id"] and shared["organization_id"] == "org-1" and shared["type"] == "invoice"
    assert "comments" not in shared and "payments" not in shared
    # by its token, to its own organization: the answer names that organization's portal today
    assert system.billing.get_shared_document("another-portal", token)["portal_name"] == "portal-org-1"
    with pytest.raises(NotFound):
        system.billing.get_shared_document("portal-org-1", "no-such-token")
    engine = create_engine(system.config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(ShareLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    engine.dispose()
    with pytest.raises(Gone) as err:
        system.billing.get_shared_document("portal-org-1", token)
    assert err.value.code == "link_expired"


def test_link_lasts_the_configured_days(system):
    quote = new_quote(system)
    result = forward(system, quote, doc_type="quote", name="Dora")
    expires = result["expires_at"]
    assert expires[:10] == (utcnow() + timedelta(days=30)).date().isoformat()
    assert system.state["contact_calls"][0]["data"] == {"first_name": "Dora", "last_name": None,
                                                      "email": "carla@partner.test"}


def test_forwarding_rules(system):
    draft = new_invoice(system, send=False)
    with pytest.raises(NotFound):
        forward(system, draft)
    sent = new_invoice(system)
    with pytest.raises(Invalid):
        forward(system, sent, email="not-an-email")
    with pytest.raises(Invalid):
        forward(system, sent, name="")
    with pytest.raises(Forbidden):
        system.billing.forward_document(system.staff, "invoice", sent["id"], {"email": "a@b.test", "name": "A"})
    with pytest.raises(NotFound):
        system.billing.forward_document(system.neighbour, "invoice", sent["id"], {"email": "a@b.test", "name": "A"})
    assert system.state["contact_calls"] == []
