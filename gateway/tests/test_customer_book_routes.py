"""Custom fields and portal profile routes with the RPC layer faked: pass-through, error format."""
from portico_kit.errors import Forbidden, Invalid

PORTAL_SESSION = {"actor": {"kind": "customer", "org_id": "org-1", "customer_id": "cu-1", "contact_id": "ct-1"},
                  "contact": {"id": "ct-1", "email": "bob@x.test", "name": "Bob"},
                  "portal": {"name": "acme", "url": "http://portico.test/portal/acme", "banner_message": "",
                             "organization_name": "Acme", "features": {"profile_edit": True}}}
PROFILE = {"billing_address": None, "shipping_address": None, "custom_fields": {},
           "contact": {"id": "ct-1", "first_name": "Bob", "last_name": None, "phone": None, "email": "bob@x.test"}}


def portal_rpc(rpc):
    rpc.on("portal", "resolve_session", lambda name, token: PORTAL_SESSION if token == "p-good" else _gone())
    return {"Authorization": "Bearer p-good"}


def _gone():
    from portico_kit.errors import Unauthorized
    raise Unauthorized(code="invalid_session", message="Please sign in again.")


def test_custom_fields_list_create_update_delete(client, rpc, auth):
    rpc.on("customers", "list_custom_fields", [{"key": "po", "label": "PO", "type": "text"}])
    assert client.get("/api/v1/settings/custom-fields", headers=auth).json["total"] == 1
    rpc.on("customers", "create_custom_field", lambda actor, body: dict(body, created_at="x"))
    response = client.post("/api/v1/settings/custom-fields", json={"key": "po", "label": "PO", "type": "text"},
                           headers=auth)
    assert response.status_code == 201 and response.json["key"] == "po"
    rpc.on("customers", "update_custom_field", lambda actor, key, body: dict(body, key=key))
    assert client.patch("/api/v1/settings/custom-fields/po", json={"label": "P.O."}, headers=auth).json == \
        {"label": "P.O.", "key": "po"}
    rpc.on("customers", "delete_custom_field", lambda actor, key: {"deleted": True, "key": key})
    assert client.delete("/api/v1/settings/custom-fields/po", headers=auth).json["deleted"] is True


def test_custom_fields_need_staff_and_json(client, rpc, auth):
    assert client.get("/api/v1/settings/custom-fields").status_code == 401
    response = client.post("/api/v1/settings/custom-fields", data="key=po", headers=auth,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"
    assert rpc.called("customers", "create_custom_field") == []


def test_profile_get_and_patch_pass_the_customer_actor(client, rpc):
    headers = portal_rpc(rpc)
    rpc.on("customers", "get_profile", lambda actor: dict(PROFILE, who=actor["customer_id"]))
    body = client.get("/portal/acme/api/v1/profile", headers=headers).json
    assert body["who"] == "cu-1" and body["editable"] is True
    rpc.on("customers", "update_profile", lambda actor, data: dict(PROFILE, got=data))
    body = client.patch("/portal/acme/api/v1/profile", json={"contact": {"phone": "1"}}, headers=headers).json
    assert body["got"] == {"contact": {"phone": "1"}}


def test_profile_errors_keep_the_api_format(client, rpc):
    headers = portal_rpc(rpc)
    assert client.get("/portal/acme/api/v1/profile").status_code == 401
    assert client.get("/portal/acme/api/v1/profile", headers={"Authorization": "Bearer stale"}).status_code == 401
    response = client.patch("/portal/acme/api/v1/profile", data="[", headers=headers, content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"

    def disabled(actor, data):
        raise Forbidden(code="profile_edit_disabled", message="Editing your details is turned off.")
    rpc.on("customers", "update_profile", disabled)
    response = client.patch("/portal/acme/api/v1/profile", json={}, headers=headers)
    assert response.status_code == 403 and response.json["error"]["code"] == "profile_edit_disabled"

    def invalid(actor, data):
        raise Invalid(message="Some custom fields are invalid.", fields={"custom_fields.x": "Unknown custom field."})
    rpc.on("customers", "update_profile", invalid)
    response = client.patch("/portal/acme/api/v1/profile", json={"custom_fields": {"x": 1}}, headers=headers)
    assert response.status_code == 422 and response.json["error"]["fields"] == {"custom_fields.x": "Unknown custom field."}
