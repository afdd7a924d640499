"""Findings 3-5: forwarding is rate-limited and plain text; a share link belongs to its own
organization only and ends when staff revoke it or what allowed it is gone."""
import pytest

from portico_kit.errors import Gone, Invalid, TooManyRequests

from .conftest import events_of, new_invoice


def forward(system, doc, email="carla@partner.test", name="Carla Partner", actor=None):
    return system.billing.forward_document(actor or system.me, "invoice", doc["id"], {"email": email, "name": name})


def token_of(system, count=1):
    event = events_of(system.received, "document_forwarded", count)[-1]
    return event["data"]["view_url"].rsplit("/", 1)[1]


@pytest.mark.parametrize("name", ["URGENT verify at https://evil.example/login", "evil.example", "www.evil.test",
                                  "pay@evil.test", "x" * 101])
def test_the_recipient_name_is_a_plain_short_name(system, name):
    invoice = new_invoice(system)
    with pytest.raises(Invalid) as err:
        forward(system, invoice, name=name)
    assert "name" in err.value.fields


def test_forwarding_is_rate_limited_per_contact_with_retry_after(system, monkeypatch):
    monkeypatch.setenv("FORWARD_MAX_PER_HOUR", "3")
    invoice = new_invoice(system)
    for i in range(3):
        forward(system, invoice, email=f"p{i}@partner.test")
    with pytest.raises(TooManyRequests) as err:
        forward(system, invoice, email="p9@partner.test")
    assert err.value.status == 429 and err.value.code == "too_many_requests"
    assert 3500 <= err.value.retry_after <= 3600
    # another customer is not slowed down by this one
    other = new_invoice(system, customer_id="cust-2")
    forward(system, other, actor=system.neighbour)


def test_a_renamed_portal_keeps_its_links_and_another_org_never_shows_them(system):
    invoice = new_invoice(system)
    forward(system, invoice)
    token = token_of(system)
    system.state["portals"]["org-1"] = "b-renamed"
    system.state["portals"]["org-2"] = "portal-org-1"  # another organization took the old name
    shared = system.billing.get_shared_document("portal-org-1", token)
    assert shared["organization_id"] == "org-1" and shared["portal_name"] == "b-renamed"


def test_staff_see_a_documents_links_and_revoke_one(system):
    invoice = new_invoice(system)
    forward(system, invoice)
    token = token_of(system)
    system.billing.get_shared_document("portal-org-1", token)
    [link] = system.billing.list_share_links(system.staff, "invoice", invoice["id"])["items"]
    assert link["recipient"]["email"] == "carla@partner.test" and link["status"] == "active"
    assert link["open_count"] == 1 and link["last_opened_at"] and token not in str(link)
    assert link["sender_contact_id"] == "c-cust-1"
    with pytest.raises(Exception):
        system.billing.list_share_links(system.other_staff, "invoice", invoice["id"])
    revoked = system.billing.revoke_share_link(system.staff, "invoice", invoice["id"], link["id"])
    assert revoked["status"] == "revoked" and revoked["revoked_reason"] == "revoked"
    with pytest.raises(Gone) as err:
        system.billing.get_shared_document("portal-org-1", token)
    assert err.value.code == "link_revoked"


@pytest.mark.parametrize("end", ["void", "portal_disabled", "forwarding_off", "contact_deleted", "customer_deleted"])
def test_a_link_ends_with_what_allowed_it(system, end):
    invoice = new_invoice(system)
    forward(system, invoice)
    token = token_of(system)
    assert system.billing.get_shared_document("portal-org-1", token)["id"] == invoice["id"]
    if end == "void":
        system.billing.void_invoice(system.staff, invoice["id"])
    elif end == "portal_disabled":
        system.state["share_state"]["org-1"] = {"customer_enabled": False}
    elif end == "forwarding_off":
        system.state["share_state"]["org-1"] = {"forwarding": False}
    elif end == "contact_deleted":
        system.state["customers"][("org-1", "cust-1")]["contacts"].clear()
    else:
        del system.state["customers"][("org-1", "cust-1")]
    with pytest.raises(Gone):
        system.billing.get_shared_document("portal-org-1", token)
    system.state["share_state"].clear()  # switched on again: an ended link stays ended
    with pytest.raises(Gone):
        system.billing.get_shared_document("portal-org-1", token)
    if end != "customer_deleted":
        [link] = system.billing.list_share_links(system.staff, "invoice", invoice["id"])["items"]
        assert link["status"] == "revoked" and link["revoked_reason"] == {"void": "voided"}.get(end, end)
