"""Routes with the RPC layer faked: what reaches which service, and what comes back."""
import re

from portico_kit.errors import Invalid

from gateway.api.openapi import load_spec

CUSTOMER = {"id": "cu-1", "display_name": "Bob", "email": "bob@x.test", "contacts": []}


def test_signup_and_login_pass_the_body_through(client, rpc):
    rpc.on("accounts", "signup", lambda body: {"organization": {"id": "o"}, "user": {}, "token": "t", "got": body})
    response = client.post("/api/v1/signup", json={"organization_name": "Acme", "name": "O",
                                                   "email": "o@a.test", "password": "long enough"})
    assert response.status_code == 201 and response.json["got"]["organization_name"] == "Acme"


def test_create_customer_with_portal_and_no_email_is_refused_before_anything_is_created(client, rpc, auth):
    rpc.on("customers", "create_customer", CUSTOMER)
    response = client.post("/api/v1/customers", json={"display_name": "Bob", "enable_portal": True}, headers=auth)
    assert response.status_code == 422 and response.json["error"]["code"] == "email_required"
    assert rpc.called("customers", "create_customer") == []


def test_create_customer_with_portal_invites(client, rpc, auth):
    rpc.on("customers", "create_customer", CUSTOMER)
    rpc.on("portal", "enable_portal", {"enabled": True, "invited": ["bob@x.test"], "skipped": []})
    rpc.on("portal", "get_portal_access", {"enabled": True, "contacts": [{"email": "bob@x.test", "status": "invited"}]})
    response = client.post("/api/v1/customers", json={"display_name": "Bob", "email": "bob@x.test",
                                                      "enable_portal": True}, headers=auth)
    assert response.status_code == 201
    assert response.json["portal"]["enabled"] is True and response.json["portal"]["invited"] == ["bob@x.test"]
    [(actor, body)] = rpc.called("customers", "create_customer")
    assert "enable_portal" not in body and actor["org_id"] == "org-1"


def test_enable_portal_validates_contact_ids(client, rpc, auth):
    response = client.post("/api/v1/customers/cu-1/portal/enable", json={"contact_ids": "all"}, headers=auth)
    assert response.status_code == 422 and "contact_ids" in response.json["error"]["fields"]
    rpc.on("portal", "enable_portal", lambda actor, cid, ids: {"enabled": True, "invited": [], "ids": ids})
    assert client.post("/api/v1/customers/cu-1/portal/enable", headers=auth).json["ids"] is None


def test_staff_pages_need_a_session(client):
    response = client.get("/app/customers")
    assert response.status_code == 302 and "/app/login" in response.headers["Location"]


def test_forms_without_csrf_token_are_refused(client, rpc):
    rpc.on("accounts", "login", {"token": "good"})
    response = client.post("/app/login", data={"email": "o@a.test", "password": "x"})
    assert response.status_code == 400 and "form expired" in response.get_data(as_text=True)
    assert rpc.called("accounts", "login") == []


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_login_page_signs_in_and_redirects_only_within_the_site(client, rpc):
    rpc.on("accounts", "login", {"token": "good"})
    token = csrf_token(client, "/app/login")
    response = client.post("/app/login?next=//evil.test/x", data={"email": "o@a.test", "password": "x",
                                                                  "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/app/"


def test_settings_page_shows_every_preference_and_field_errors(client, rpc):
    prefs = {"portal_name": "acme", "portal_url": "http://portico.test/portal/acme", "banner_message": "Hi",
             "notify_staff_on_activity": True, "allow_forwarding": False, "notify_customer_on_comment": True,
             "reviews_enabled": False, "show_projects": False, "allow_profile_edit": True}
    rpc.on("accounts", "login", {"token": "good"})
    rpc.on("portal", "get_preferences", prefs)
    client.post("/app/login", data={"email": "o@a.test", "password": "x", "csrf_token": csrf_token(client, "/app/login")})
    html = client.get("/app/settings/portal").get_data(as_text=True)
    for flag in [k for k, v in prefs.items() if isinstance(v, bool)]:
        assert f'name="{flag}"' in html
    assert "http://portico.test/portal/<strong>acme</strong>" in html

    def refuse(actor, body):
        raise Invalid(code="invalid_portal_name", message="Use 3 to 63 characters.",
                      fields={"portal_name": "Use 3 to 63 characters."})
    rpc.on("portal", "update_preferences", refuse)
    response = client.post("/app/settings/portal", data={"portal_name": "ab", "banner_message": "Hi",
                                                         "csrf_token": csrf_token(client, "/app/settings/portal")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="portal_name-error">Use 3 to 63 characters.' in html and 'value="ab"' in html
    [(actor, body)] = rpc.called("portal", "update_preferences")
    assert body["allow_forwarding"] is False and body["portal_name"] == "ab"


def test_readyz_names_the_missing_services(client, rpc):
    assert client.get("/readyz").status_code == 200
    rpc.on("ping", "billing", "not running")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable" and response.json["error"]["missing"] == ["billing"]


def test_metrics_count_requests_per_route(client):
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'portico_http_requests_total{method="GET",route="/healthz",status="200"}' in body


def flask_api_routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        if path.startswith("/api/") or re.match(r"^/portal/\{portal_name\}/api/", path):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((method.lower(), path))
    return routes


def test_openapi_spec_describes_exactly_the_api_routes(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["servers"][0]["url"] == "http://portico.test"
    documented = {(method, path) for path, ops in load_spec()["paths"].items()
                  for method in ops if method in ("get", "post", "put", "patch", "delete")}
    assert documented == flask_api_routes(app)
