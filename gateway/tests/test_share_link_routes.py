"""Findings 3-5 at the gateway: Retry-After on 429, share links by token to their own organization,
an ended link's page names nobody, staff list and revoke links."""
from portico_kit.errors import Gone, TooManyRequests

from billing_samples import INVOICE
from test_billing_routes import PORTAL, _portal

PUBLIC = {"name": "b-renamed", "organization_name": "Bee Ltd", "url": "http://portico.test/portal/b-renamed"}


def test_a_rate_limited_forward_is_429_with_retry_after(client, rpc):
    _portal(rpc)

    def limited(*args):
        raise TooManyRequests(code="too_many_requests", message="Try later.", retry_after=1800)
    rpc.on("billing", "forward_document", limited)
    response = client.post("/portal/acme/api/v1/invoices/i1/forward", headers=PORTAL,
                           json={"email": "a@b.test", "name": "A"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1800"
    assert response.json["error"]["code"] == "too_many_requests"


def test_a_link_under_another_organizations_portal_name_moves_to_its_own(client, rpc):
    rpc.on("billing", "get_shared_document", lambda name, token: dict(INVOICE, organization_id="org-b",
                                                                      portal_name="b-renamed"))
    rpc.on("portal", "get_public_portal", lambda name: PUBLIC if name == "b-renamed" else {
        "name": name, "organization_name": "Cee Corp", "url": ""})
    response = client.get("/portal/old-b/shared/tok-1")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/b-renamed/shared/tok-1"
    html = client.get("/portal/b-renamed/shared/tok-1").get_data(as_text=True)
    assert "Bee Ltd shared this invoice" in html and "Cee Corp" not in html
    assert rpc.called("portal", "get_public_portal") == [("b-renamed",)]
    api = client.get("/portal/old-b/api/v1/shared/tok-1")
    assert api.status_code == 308 and api.headers["Location"].endswith("/portal/b-renamed/api/v1/shared/tok-1")


def test_an_ended_link_is_410_and_names_no_organization(client, rpc):
    def revoked(*args):
        raise Gone(code="link_revoked", message="This link no longer works.")
    rpc.on("billing", "get_shared_document", revoked)
    rpc.on("portal", "get_public_portal", lambda name: {"name": name, "organization_name": "Cee Corp", "url": ""})
    response = client.get("/portal/old-b/shared/tok-1")
    html = response.get_data(as_text=True)
    assert response.status_code == 410 and "This link no longer works" in html and "Cee Corp" not in html
    assert client.get("/portal/old-b/api/v1/shared/tok-1").json["error"]["code"] == "link_revoked"


def test_staff_list_and_revoke_share_links(client, rpc, auth):
    link = {"id": "l1", "recipient": {"name": "Carla", "email": "c@p.test", "contact_id": None},
            "status": "active", "open_count": 2}
    rpc.on("billing", "list_share_links", lambda actor, doc_type, doc_id: {"items": [link]})
    rpc.on("billing", "revoke_share_link", lambda actor, doc_type, doc_id, link_id: dict(link, status="revoked"))
    listed = client.get("/api/v1/quotes/q1/share-links", headers=auth)
    assert listed.status_code == 200 and listed.json["items"] == [link] and listed.json["total"] == 1
    assert rpc.called("billing", "list_share_links")[0][1:] == ("quote", "q1")
    revoked = client.post("/api/v1/invoices/i1/share-links/l1/revoke", headers=auth)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert rpc.called("billing", "revoke_share_link")[0][1:] == ("invoice", "i1", "l1")


def test_the_staff_document_page_lists_share_links_and_revokes_one(client, rpc):
    import re
    from billing_samples import INVOICE as SENT
    rpc.on("accounts", "login", {"token": "good"})
    html = client.get("/app/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post("/app/login", data={"email": "o@a.test", "password": "x", "csrf_token": token})
    link = {"id": "l1", "recipient": {"name": "Carla", "email": "carla@p.test", "contact_id": None},
            "created_at": "2026-12-01T10:00:00Z", "expires_at": "2026-12-31T10:00:00Z",
            "last_opened_at": "2026-12-01T11:00:00Z", "open_count": 2, "status": "active"}
    rpc.on("billing", "get_invoice", dict(SENT, status="sent"))
    rpc.on("billing", "list_comments", [])
    rpc.on("billing", "list_share_links", {"items": [link]})
    rpc.on("billing", "revoke_share_link", lambda *a: dict(link, status="revoked"))
    page = client.get(f"/app/invoices/{SENT['id']}").get_data(as_text=True)
    assert "Forwarded to" in page and "carla@p.test" in page and "Revoke" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/app/invoices/{SENT['id']}/share-links/l1/revoke", data={"csrf_token": token})
    assert response.status_code == 302 and rpc.called("billing", "revoke_share_link")[0][1:] == ("invoice", SENT["id"], "l1")
