"""Email templates, the email log and the portal activity: routes and pages with the RPC layer faked."""
import re
from datetime import date

from portico_kit.errors import Conflict, Invalid, NotFound

from gateway.web import staff_activity

TEMPLATE = {"kind": "review_request", "label": "Review request", "recipients": "The customer asked for a review.",
            "subject": "How did we do?", "body": "Rate us: {{ review_url }}", "customized": False,
            "updated_at": None, "placeholders": [{"name": "review_url", "description": "Link to rate you"}],
            "required": ["review_url"], "default": {"subject": "How did we do?", "body": "Rate us: {{ review_url }}"}}
MESSAGE = {"id": "m-1", "kind": "review_request", "to": "bob@x.test", "to_name": "Bob", "subject": "Hi",
           "status": "failed", "attempts": 12, "last_error": "ConnectionRefusedError: nope",
           "created_at": "2026-12-01T10:00:00Z", "sent_at": None, "last_attempt_at": "2026-12-01T14:00:00Z",
           "next_attempt_at": None}


def sign_in(client, rpc):
    rpc.on("accounts", "login", {"token": "good"})
    client.post("/app/login", data={"email": "o@a.test", "password": "x", "csrf_token": csrf_token(client, "/app/login")})


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# -- JSON API -----------------------------------------------------------------------------------

def test_template_api_passes_kind_and_body(client, rpc, auth):
    rpc.on("notifications", "list_templates", {"items": [TEMPLATE], "total": 1})
    rpc.on("notifications", "get_template", lambda actor, kind: dict(TEMPLATE, kind=kind))
    rpc.on("notifications", "update_template", lambda actor, kind, body: dict(TEMPLATE, **body))
    rpc.on("notifications", "preview_template", lambda actor, kind, body: {"kind": kind, "got": body})
    rpc.on("notifications", "reset_template", lambda actor, kind: dict(TEMPLATE, kind=kind))
    assert client.get("/api/v1/settings/email-templates", headers=auth).json["total"] == 1
    assert client.get("/api/v1/settings/email-templates/review_request", headers=auth).json["kind"] == "review_request"
    saved = client.put("/api/v1/settings/email-templates/review_request", headers=auth,
                       json={"subject": "New", "body": "{{ review_url }}"})
    assert saved.status_code == 200 and saved.json["subject"] == "New"
    assert client.post("/api/v1/settings/email-templates/review_request/preview", headers=auth).json["got"] == {}
    preview = client.post("/api/v1/settings/email-templates/review_request/preview", headers=auth, json={"body": "x"})
    assert preview.json["got"] == {"body": "x"}
    assert client.post("/api/v1/settings/email-templates/review_request/reset", headers=auth).status_code == 200
    assert [args[1] for args in rpc.called("notifications", "reset_template")] == ["review_request"]
    assert client.put("/api/v1/settings/email-templates/review_request", headers=auth, data="x").status_code == 400
    assert client.get("/api/v1/settings/email-templates").status_code == 401


def test_an_invalid_template_is_a_422_with_the_line(client, rpc, auth):
    def refuse(actor, kind, body):
        raise Invalid(code="invalid_template", message="The template has an error on line 2 of the body: x",
                      fields={"body": "Line 2: unexpected '}'"})
    rpc.on("notifications", "update_template", refuse)
    response = client.put("/api/v1/settings/email-templates/review_request", headers=auth,
                          json={"subject": "x", "body": "a\n{{ b }"})
    assert response.status_code == 422 and response.json["error"]["fields"] == {"body": "Line 2: unexpected '}'"}


def test_activity_and_sign_ins_api(client, rpc, auth):
    rpc.on("portal", "list_activity", lambda *args: {"items": [], "page": 1, "per_page": 50, "total": 0, "args": args[1:]})
    rpc.on("portal", "list_sign_ins", lambda actor, page, per_page: {"items": [], "page": int(page), "total": 0})
    body = client.get("/api/v1/portal/activity?from=2026-03-01&to=2026-03-31&kind=signed_in&page=2&per_page=10",
                      headers=auth).json
    assert body["args"] == ["2026-03-01", "2026-03-31", "2", "10", "signed_in", None]
    assert client.get("/api/v1/portal/activity", headers=auth).json["args"] == [None, None, 1, 50, None, None]
    assert client.get("/api/v1/portal/sign-ins?page=3", headers=auth).json["page"] == 3


def test_email_log_api_and_retry(client, rpc, auth):
    rpc.on("notifications", "list_messages", lambda *args: {"items": [MESSAGE], "total": 1, "args": args[1:]})
    assert client.get("/api/v1/notifications?status=failed&kind=review_request", headers=auth).json["args"] == [
        1, 50, "failed", "review_request"]
    rpc.on("notifications", "retry_message", lambda actor, mid: dict(MESSAGE, id=mid, status="queued"))
    assert client.post("/api/v1/notifications/m-1/retry", headers=auth).json["status"] == "queued"

    def not_failed(actor, mid):
        raise Conflict(code="email_not_failed", message="Only a failed email can be sent again.")
    rpc.on("notifications", "retry_message", not_failed)
    assert client.post("/api/v1/notifications/m-1/retry", headers=auth).status_code == 409


# -- pages --------------------------------------------------------------------------------------

def test_templates_page_lists_and_edits_previews_and_resets(client, rpc):
    sign_in(client, rpc)
    rpc.on("notifications", "list_templates", {"items": [TEMPLATE, dict(TEMPLATE, kind="invoice_sent",
                                                                        label="Invoice sent", customized=True,
                                                                        updated_at="2026-12-01T10:00:00Z")]})
    rpc.on("notifications", "get_template", lambda actor, kind: dict(TEMPLATE, kind=kind))
    html = client.get("/app/settings/email-templates").get_data(as_text=True)
    assert 'href="/app/settings/email-templates/review_request"' in html and "Customized" in html
    assert 'aria-current="page">Email templates' in html

    page = client.get("/app/settings/email-templates/review_request").get_data(as_text=True)
    assert '<label for="subject">Subject</label>' in page and "{{ review_url }}" in page
    assert 'aria-current="page">Settings</a>' in page  # a template's page is still under Settings
    token = csrf_token(client, "/app/settings/email-templates/review_request")

    rpc.on("notifications", "preview_template", lambda actor, kind, body: {
        "subject": "How did Acme do?", "text": "Rate us: https://x.test/r <b>",
        "html": '<p>Rate us: <a href="https://x.test/r">https://x.test/r</a></p>'})
    preview = client.post("/app/settings/email-templates/review_request", data={
        "csrf_token": token, "action": "preview", "subject": "How did {{ organization.name }} do?",
        "body": "Rate us: {{ review_url }}\r\n"}).get_data(as_text=True)
    assert "How did Acme do?" in preview and "Rate us: https://x.test/r &lt;b&gt;" in preview
    assert 'value="How did {{ organization.name }} do?"' in preview  # what they typed stays
    [(_, kind, body)] = rpc.called("notifications", "preview_template")
    assert body == {"subject": "How did {{ organization.name }} do?", "body": "Rate us: {{ review_url }}\n"}
    # the HTML version is a document of its own in a sandboxed frame, with a policy that lets its
    # inline styles apply (a srcdoc frame inherits the app's policy, which blocks them)
    src = re.search(r'<iframe class="mail-preview" sandbox [^>]*src="([^"]+)"', preview).group(1).replace("&amp;", "&")
    assert src.startswith("/app/settings/email-templates/review_request/preview.html?t=") and "srcdoc" not in preview
    framed = client.get(src)
    assert framed.status_code == 200 and framed.get_data(as_text=True).startswith("<p>Rate us: <a href=")
    policy = framed.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "sandbox" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy and framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert rpc.called("notifications", "preview_template")[-1][2] == body  # the draft, not the saved text
    assert "unsafe-inline" not in client.get("/app/settings/email-templates").headers["Content-Security-Policy"]
    assert client.get(src[:-3] + "xyz").status_code == 404  # a forged address renders nothing
    assert client.get(src.replace("/review_request/", "/invoice_sent/")).status_code == 404  # nor another kind's
    assert rpc.called("notifications", "update_template") == []

    def refuse(actor, kind, body):
        raise Invalid(code="invalid_template", message="The template has an error on line 1 of the body: x.",
                      fields={"body": "Line 1: Unknown placeholder: custmer."})
    rpc.on("notifications", "update_template", refuse)
    response = client.post("/app/settings/email-templates/review_request", data={
        "csrf_token": token, "action": "save", "subject": "Hi", "body": "{{ custmer }}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="body-error">Line 1: Unknown placeholder: custmer.' in html and 'aria-invalid="true"' in html

    rpc.on("notifications", "update_template", lambda actor, kind, body: dict(TEMPLATE, **body))
    response = client.post("/app/settings/email-templates/review_request", data={
        "csrf_token": token, "action": "save", "subject": "Hi", "body": "{{ review_url }}"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/email-templates/review_request")

    rpc.on("notifications", "reset_template", lambda actor, kind: TEMPLATE)
    response = client.post("/app/settings/email-templates/review_request/reset", data={"csrf_token": token})
    assert response.status_code == 302 and rpc.called("notifications", "reset_template")
    assert "back to the default" in client.get("/app/settings/email-templates/review_request").get_data(as_text=True)


def test_an_unknown_template_kind_is_a_404_page(client, rpc):
    sign_in(client, rpc)

    def missing(actor, kind):
        raise NotFound(code="template_not_found", message="There is no email template called “x”.")
    rpc.on("notifications", "get_template", missing)
    response = client.get("/app/settings/email-templates/x")
    assert response.status_code == 404 and "text/html" in response.content_type


def test_email_log_page_paginates_filters_and_offers_to_send_again(client, rpc):
    sign_in(client, rpc)
    rpc.on("notifications", "list_messages",
           lambda actor, page, per_page, status, kind: {"items": [MESSAGE], "page": page, "per_page": per_page,
                                                        "total": 120})
    html = client.get("/app/notifications?page=2&status=failed&kind=review_request&x=1").get_data(as_text=True)
    assert rpc.called("notifications", "list_messages")[-1][1:] == (2, 50, "failed", "review_request")
    assert "Page 2 of 3" in html and "page=1" in html and "page=3" in html
    assert '<td data-label="Attempts">12</td>' in html  # stacked cells on phones say what they are
    assert 'action="/app/notifications/m-1/retry"' in html and "ConnectionRefusedError: nope" in html
    client.get("/app/notifications?status=lost&kind=nonsense&page=zero")
    assert rpc.called("notifications", "list_messages")[-1][1:] == (1, 50, None, None)

    rpc.on("notifications", "retry_message", lambda actor, mid: dict(MESSAGE, status="queued"))
    token = csrf_token(client, "/app/notifications")
    response = client.post("/app/notifications/m-1/retry", data={"csrf_token": token,
                                                                 "next": "/app/notifications?status=failed"})
    assert response.status_code == 302 and response.headers["Location"] == "/app/notifications?status=failed"
    response = client.post("/app/notifications/m-1/retry", data={"csrf_token": token, "next": "https://evil.test/"})
    assert response.headers["Location"] == "/app/notifications"


def test_activity_page_periods_are_days_of_the_organization(client, rpc, monkeypatch):
    sign_in(client, rpc)
    monkeypatch.setattr(staff_activity, "today_in", lambda zone: date(2026, 3, 18))
    rpc.on("portal", "list_activity", lambda *args: {"items": [{
        "id": "a1", "kind": "quote_declined", "customer_id": "cu-1", "customer_name": "Bob's Bikes",
        "contact": {"id": "k1", "name": "Bob Baker", "email": "bob@x.test"},
        "document": {"type": "quote", "id": "q1", "number": "QT-1"}, "details": {"reason": "Too late"},
        "summary": "Bob Baker (Bob's Bikes) declined quote QT-1", "at": "2026-03-17T10:00:00Z"}],
        "page": 1, "per_page": 50, "total": 1})
    rpc.on("portal", "list_sign_ins", {"items": [{"contact_id": "k1", "customer_id": "cu-1", "customer_name": "Bob's Bikes",
                                                   "name": "Bob Baker", "email": "bob@x.test", "status": "active",
                                                   "last_login_at": None}], "page": 1, "per_page": 20, "total": 1})
    for period, expected in (("last_month", ("2026-02-01", "2026-02-28")), ("this_week", ("2026-03-16", "2026-03-18")),
                             ("this_month", ("2026-03-01", "2026-03-18")), ("all", (None, None))):
        client.get(f"/app/activity?period={period}")
        assert rpc.called("portal", "list_activity")[-1][1:3] == expected
    html = client.get("/app/activity?from=2026-01-05&to=2026-01-09&kind=quote_declined").get_data(as_text=True)
    assert rpc.called("portal", "list_activity")[-1][1:] == ("2026-01-05", "2026-01-09", 1, 50, "quote_declined", None)
    assert "Bob Baker (Bob&#39;s Bikes) declined quote QT-1" in html and 'Reason: <span class="activity-text">Too late</span>' in html
    assert 'href="/app/customers/cu-1"' in html and "Never" in html and '<option value="custom" selected' in html

    def refuse(*args):
        raise Invalid(code="invalid_period", message="The period is not valid.",
                      fields={"from": "The period starts after it ends."})
    rpc.on("portal", "list_activity", refuse)
    response = client.get("/app/activity?from=2026-02-01&to=2026-01-01")
    assert response.status_code == 422 and 'id="from-error">The period starts after it ends.' in response.get_data(as_text=True)


def test_menus_show_the_new_pages(client, rpc):
    sign_in(client, rpc)
    rpc.on("notifications", "list_messages", {"items": [], "page": 1, "per_page": 50, "total": 0})
    html = client.get("/app/notifications").get_data(as_text=True)
    assert 'href="/app/activity"' in html and 'aria-current="page">Email log' in html


def test_activity_page_names_changed_fields_as_people_read_them(client, rpc):
    sign_in(client, rpc)
    entry = {"id": "a2", "kind": "customer_updated", "customer_id": "cu-1", "customer_name": "Bob's Bikes",
             "contact": {"id": "k1", "name": "Bob Baker", "email": "bob@x.test"}, "document": None,
             "summary": "Bob Baker (Bob's Bikes) updated their details", "at": "2026-03-17T10:00:00Z",
             "details": {"fields": ["billing_address", "custom_fields.po_number"],
                         "field_labels": ["Billing address", "PO number"]}}
    older = dict(entry, id="a3", details={"fields": ["shipping_address"]})  # logged before labels existed
    rpc.on("portal", "list_activity", {"items": [entry, older], "page": 1, "per_page": 50, "total": 2})
    rpc.on("portal", "list_sign_ins", {"items": [], "page": 1, "per_page": 20, "total": 0})
    html = client.get("/app/activity?period=all").get_data(as_text=True)
    assert "Changed: Billing address, PO number" in html and "Changed: shipping address" in html


def test_activity_page_cuts_a_long_comment_and_links_the_document(client, rpc):
    sign_in(client, rpc)
    comment = "word " * 600  # 3,000 characters from a customer
    entry = {"id": "a4", "kind": "comment_added", "customer_id": "cu-1", "customer_name": "Bob's Bikes",
             "contact": {"id": "k1", "name": "Bob Baker", "email": "bob@x.test"},
             "document": {"type": "invoice", "id": "inv-7", "number": "INV-000007"},
             "summary": "Bob Baker commented", "at": "2026-03-17T10:00:00Z", "details": {"text": comment}}
    short = dict(entry, id="a5", document={"type": "quote", "id": "q-3", "number": "QT-000003"},
                 details={"text": "Looks good"})
    rpc.on("portal", "list_activity", {"items": [entry, short], "page": 1, "per_page": 50, "total": 2})
    rpc.on("portal", "list_sign_ins", {"items": [], "page": 1, "per_page": 20, "total": 0})
    html = client.get("/app/activity?period=all").get_data(as_text=True)
    preview = html.split('class="long-text-preview">', 1)[1].split("</span>", 1)[0]
    assert len(preview) <= 281 and preview.endswith("…")  # cut at 280 ...
    assert "Read all (3000 characters)" in html and html.count("word ") >= 600  # ... the whole text one click away
    assert "Looks good" in html and html.count('<details class="long-text">') == 1  # a short one is shown as it is
    assert '<a href="/app/invoices/inv-7">Invoice INV-000007</a>' in html
    assert '<a href="/app/quotes/q-3">Quote QT-000003</a>' in html
