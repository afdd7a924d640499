"""Billing routes with the RPC layer faked: what reaches billing, status codes, header rules."""
from portico_kit.errors import Forbidden, Invalid, NotFound, PaymentRequired

CUSTOMER_ACTOR = {"kind": "customer", "org_id": "org-1", "customer_id": "cu-1", "contact_id": "ct-1",
                  "name": "Bob", "email": "bob@x.test"}
PORTAL = {"Authorization": "Bearer portal-token"}


def _portal(rpc):
    rpc.on("portal", "resolve_session",
           lambda name, token: {"actor": dict(CUSTOMER_ACTOR), "portal": {"name": name}} if token == "portal-token"
           else _not_found())


def _not_found():
    raise NotFound(message="No such portal.")


def test_invoice_list_passes_filters_and_paging(client, rpc, auth):
    rpc.on("billing", "list_invoices", {"items": [], "page": 2, "per_page": 10, "total": 0})
    response = client.get("/api/v1/invoices?customer_id=cu-1&status=overdue&page=2&per_page=10", headers=auth)
    assert response.status_code == 200 and response.json["page"] == 2
    (args,) = rpc.called("billing", "list_invoices")
    assert args[0]["org_id"] == "org-1"
    assert rpc.kwargs[-1] == {"customer_id": "cu-1", "status": "overdue", "search": None, "page": "2",
                              "per_page": "10"}


def test_create_quote_is_201_and_validation_errors_keep_their_fields(client, rpc, auth):
    rpc.on("billing", "create_quote", lambda actor, body: {"id": "q1", "status": "draft", "number": "QT-000001"})
    response = client.post("/api/v1/quotes", json={"customer_id": "cu-1", "line_items": []}, headers=auth)
    assert response.status_code == 201 and response.json["number"] == "QT-000001"

    def invalid(actor, body):
        raise Invalid(message="Some fields are invalid.", fields={"line_items": "Add at least one line."})
    rpc.on("billing", "create_invoice", invalid)
    response = client.post("/api/v1/invoices", json={"customer_id": "cu-1", "line_items": []}, headers=auth)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"line_items": "Add at least one line."}


def test_malformed_bodies_never_reach_billing(client, rpc, auth):
    for path in ("/api/v1/invoices", "/api/v1/payments", "/api/v1/projects"):
        response = client.post(path, data="{not json", content_type="application/json", headers=auth)
        assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"
        response = client.post(path, json=["a", "list"], headers=auth)
        assert response.status_code == 400 and response.json["error"]["code"] == "invalid_body"
    assert not [c for c in rpc.calls if c[0] == "billing"]


def test_staff_routes_need_a_token(client, rpc):
    for method, path in [("get", "/api/v1/invoices"), ("post", "/api/v1/quotes/q1/convert"),
                         ("get", "/api/v1/payments"), ("get", "/api/v1/projects/p1/time-entries")]:
        response = getattr(client, method)(path)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_delete_and_convert(client, rpc, auth):
    rpc.on("billing", "delete_invoice", lambda actor, invoice_id: {})
    response = client.delete("/api/v1/invoices/i1", headers=auth)
    assert response.status_code == 200 and response.json == {"id": "i1", "deleted": True}
    rpc.on("billing", "convert_quote", lambda actor, quote_id: {"id": "i2", "quote_id": quote_id})
    response = client.post("/api/v1/quotes/q9/convert", headers=auth)
    assert response.status_code == 201 and response.json["quote_id"] == "q9"


def test_comment_list_is_in_the_list_shape(client, rpc, auth):
    rpc.on("billing", "list_comments", lambda actor, doc_type, doc_id: [{"id": "c1", "doc": [doc_type, doc_id]}])
    body = client.get("/api/v1/quotes/q1/comments", headers=auth).json
    assert body["total"] == 1 and body["items"][0]["doc"] == ["quote", "q1"]


def test_portal_payment_needs_an_idempotency_key(client, rpc):
    _portal(rpc)
    rpc.on("billing", "pay_invoice", lambda actor, invoice_id, body, key: {"id": "p1", "key": key,
                                                                          "customer": actor["customer_id"]})
    card = {"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    response = client.post("/portal/acme/api/v1/invoices/i1/payments", json=card, headers=PORTAL)
    assert response.status_code == 400 and response.json["error"]["code"] == "idempotency_key_required"
    response = client.post("/portal/acme/api/v1/invoices/i1/payments", json=card,
                           headers=dict(PORTAL, **{"Idempotency-Key": "x" * 256}))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_idempotency_key"
    assert not rpc.called("billing", "pay_invoice")
    response = client.post("/portal/acme/api/v1/invoices/i1/payments", json=card,
                           headers=dict(PORTAL, **{"Idempotency-Key": "order-7"}))
    assert response.status_code == 201 and response.json == {"id": "p1", "key": "order-7", "customer": "cu-1"}


def test_portal_declined_card_is_402_and_hidden_features_403(client, rpc):
    _portal(rpc)

    def declined(*args):
        raise PaymentRequired(code="card_declined", message="The card was declined.")
    rpc.on("billing", "pay_invoice", declined)
    response = client.post("/portal/acme/api/v1/invoices/i1/payments", json={"card": {}},
                           headers=dict(PORTAL, **{"Idempotency-Key": "k1"}))
    assert response.status_code == 402 and response.json["error"]["code"] == "card_declined"

    def hidden(*args, **kwargs):
        raise Forbidden(code="projects_hidden", message="Projects are not shown in this portal.")
    rpc.on("billing", "list_projects", hidden)  # billing decides, from the portal's preferences
    response = client.get("/portal/acme/api/v1/projects", headers=PORTAL)
    assert response.status_code == 403 and response.json["error"]["code"] == "projects_hidden"


def test_portal_accept_takes_an_empty_body_and_a_reason(client, rpc):
    _portal(rpc)
    rpc.on("billing", "accept_quote", lambda actor, quote_id, body: {"id": quote_id, "status": "accepted"})
    rpc.on("billing", "decline_quote", lambda actor, quote_id, body: {"id": quote_id, "reason": body["reason"]})
    assert client.post("/portal/acme/api/v1/quotes/q1/accept", headers=PORTAL).json["status"] == "accepted"
    response = client.post("/portal/acme/api/v1/quotes/q1/decline", json={"reason": "Too dear"}, headers=PORTAL)
    assert response.json == {"id": "q1", "reason": "Too dear"}


def test_portal_routes_act_as_the_signed_in_customer(client, rpc):
    _portal(rpc)
    rpc.on("billing", "get_invoice", lambda actor, invoice_id, **kw: {"id": invoice_id, "as": actor["customer_id"]})
    assert client.get("/portal/acme/api/v1/invoices/i1", headers=PORTAL).json == {"id": "i1", "as": "cu-1"}
    response = client.get("/portal/acme/api/v1/invoices/i1", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 404


def test_shared_document_needs_no_sign_in(client, rpc):
    rpc.on("billing", "get_shared_document", lambda name, token: {"id": "i1", "portal": name, "token": token})
    response = client.get("/portal/acme/api/v1/shared/tok123")
    assert response.status_code == 200 and response.json == {"id": "i1", "portal": "acme", "token": "tok123"}
