"""Portal access section of the staff customer page, and the forgot / reset pages, RPC faked."""
import re

from portico_kit.errors import Gone, Invalid, NotFound, TooManyRequests

CUSTOMER = {"id": "cu-1", "display_name": "Bob's Bikes", "email": "bob@bikes.test", "currency": "EUR",
            "contacts": [{"id": "c-bob", "name": "Bob", "email": "bob@bikes.test", "is_primary": True},
                         {"id": "c-ann", "name": "Ann", "email": "ann@bikes.test", "is_primary": False},
                         {"id": "c-sam", "name": "Sam", "email": None, "is_primary": False}]}
ACCESS = {"enabled": True, "contacts": [
    {"contact_id": "c-bob", "email": "bob@bikes.test", "status": "active", "invited_at": "2026-11-01T10:00:00Z",
     "invitation_expires_at": None, "last_login_at": "2026-11-20T09:30:00Z"},
    {"contact_id": "c-ann", "email": "ann@bikes.test", "status": "invited", "invited_at": "2026-11-01T10:00:00Z",
     "invitation_expires_at": "2026-11-08T10:00:00Z", "last_login_at": None}]}
PUBLIC = {"name": "acme", "organization_name": "Acme", "url": "http://portico.test/portal/acme"}


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in_staff(client, rpc):
    rpc.on("accounts", "login", {"token": "good"})
    client.post("/app/login", data={"email": "o@a.test", "password": "x", "csrf_token": csrf_token(client, "/app/login")})


def customer_page(client, rpc, access=ACCESS):
    rpc.on("customers", "get_customer", CUSTOMER)
    rpc.on("portal", "get_portal_access", access)
    response = client.get("/app/customers/cu-1")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def row(html, email):
    return re.search(rf'<tr data-contact="{re.escape(email)}">(.*?)</tr>', html, re.S).group(1)


def test_customer_page_lists_each_contact_with_status_times_and_actions(client, rpc):
    sign_in_staff(client, rpc)
    html = customer_page(client, rpc)
    bob, ann, sam = row(html, "bob@bikes.test"), row(html, "ann@bikes.test"), row(html, "c-sam")
    assert "Active" in bob and "Nov 20, 2026, 9:30\u202fAM UTC" in bob and 'Disable<span class="visually-hidden"> for Bob' in bob
    assert "Invited" in ann and "Invitation expired: re-send it" in ann and 'Disable<span class="visually-hidden"> for Ann' in ann
    assert "Not invited" in sam and 'type="checkbox"' not in sam and "No email" in sam
    assert 'name="contact_ids" value="c-ann"' in ann
    assert "Re-send invitation" in html and "Disable portal for this customer" in html


def test_customer_page_offers_enable_for_chosen_contacts_when_off(client, rpc):
    sign_in_staff(client, rpc)
    html = customer_page(client, rpc, {"enabled": False, "contacts": []})
    assert "Enable portal and invite" in html and "Disable portal for this customer" not in html
    assert 'name="contact_ids" value="c-bob"' in html and 'name="contact_ids" value="c-ann"' in html


def test_enable_for_ticked_contacts_passes_them(client, rpc):
    sign_in_staff(client, rpc)
    token = csrf_token(client, "/app/login")
    rpc.on("portal", "enable_portal", lambda actor, cid, ids: {"enabled": True, "invited": ["ann@bikes.test"],
                                                              "skipped": []})
    response = client.post("/app/customers/cu-1/portal/enable", data={"contact_ids": ["c-ann"], "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/customers/cu-1#portal-heading")
    assert rpc.called("portal", "enable_portal")[0][1:] == ("cu-1", ["c-ann"])
    rpc.on("portal", "resend_invitations", lambda actor, cid, ids: {"invited": [], "skipped": []})
    client.post("/app/customers/cu-1/portal/invite", data={"csrf_token": token})
    assert rpc.called("portal", "resend_invitations")[0][1:] == ("cu-1", None)


def test_refusals_are_flashed_on_the_customer_page(client, rpc):
    sign_in_staff(client, rpc)
    token = csrf_token(client, "/app/login")

    def no_email(*args):
        raise Invalid(code="email_required", message="Add an email address first.")
    rpc.on("portal", "enable_portal", no_email)
    response = client.post("/app/customers/cu-1/portal/enable", data={"csrf_token": token}, follow_redirects=True)
    assert "Add an email address first." in response.get_data(as_text=True)


def test_per_contact_disable_and_enable(client, rpc):
    sign_in_staff(client, rpc)
    token = csrf_token(client, "/app/login")
    rpc.on("portal", "disable_contact", lambda actor, cid, contact: {"contact": {"email": "ann@bikes.test"}})
    response = client.post("/app/customers/cu-1/portal/contacts/c-ann/disable", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Portal access disabled for ann@bikes.test" in response.get_data(as_text=True)
    assert rpc.called("portal", "disable_contact")[0][1:] == ("cu-1", "c-ann")

    def other_org(*args):
        raise NotFound(message="Customer not found.")
    rpc.on("portal", "enable_contact", other_org)
    assert client.post("/app/customers/cu-9/portal/contacts/c-ann/enable", data={"csrf_token": token}).status_code == 404


def test_login_pages_link_to_forgot(client, rpc):
    rpc.on("portal", "get_public_portal", PUBLIC)
    assert 'href="/portal/acme/forgot"' in client.get("/portal/acme/login").get_data(as_text=True)
    assert 'href="/app/forgot"' in client.get("/app/login").get_data(as_text=True)


def test_portal_forgot_answers_the_same_and_shows_errors(client, rpc):
    rpc.on("portal", "get_public_portal", PUBLIC)
    token = csrf_token(client, "/portal/acme/forgot")
    rpc.on("portal", "request_password_reset", lambda name, body: {"accepted": True})
    response = client.post("/portal/acme/forgot", data={"email": "anyone@x.test", "csrf_token": token})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)

    def refuse(name, body):
        if body["email"] == "many@x.test":
            raise TooManyRequests(code="too_many_attempts", message="Too many reset requests for this email.")
        raise Invalid(message="Some fields are invalid.", fields={"email": "Not a valid email address."})
    rpc.on("portal", "request_password_reset", refuse)
    response = client.post("/portal/acme/forgot", data={"email": "nope", "csrf_token": token})
    assert response.status_code == 422 and 'id="email-error">Not a valid email address.' in response.get_data(as_text=True)
    response = client.post("/portal/acme/forgot", data={"email": "many@x.test", "csrf_token": token})
    assert response.status_code == 429 and "Too many reset requests" in response.get_data(as_text=True)


def test_portal_reset_page_sets_the_password_and_signs_in(client, rpc):
    rpc.on("portal", "get_public_portal", PUBLIC)
    rpc.on("portal", "get_password_reset", {"email": "bob@bikes.test", "name": "Bob",
                                            "expires_at": "2026-11-25T12:00:00Z"})
    token = csrf_token(client, "/portal/acme/reset/tok-1")
    response = client.post("/portal/acme/reset/tok-1", data={"password": "new password", "password_confirm": "other",
                                                              "csrf_token": token})
    assert response.status_code == 422 and "The two passwords differ." in response.get_data(as_text=True)
    rpc.on("portal", "reset_password", lambda name, tok, body: {"token": "session-1"})
    response = client.post("/portal/acme/reset/tok-1", data={"password": "new password",
                                                              "password_confirm": "new password", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/portal/acme/"
    assert rpc.called("portal", "reset_password")[0] == ("acme", "tok-1", {"password": "new password"})
    with client.session_transaction() as session:  # the portal session now holds the new token
        assert "session-1" in str(dict(session))


def _raise(exc):
    raise exc


def test_expired_and_used_links_say_so(client, rpc):
    rpc.on("portal", "get_public_portal", PUBLIC)
    rpc.on("portal", "get_password_reset", lambda *a: _raise(Gone(code="reset_expired", message="This link has expired.")))
    response = client.get("/portal/acme/reset/old")
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)
    assert 'href="/portal/acme/forgot"' in response.get_data(as_text=True)
    rpc.on("accounts", "get_password_reset", lambda *a: _raise(NotFound(code="reset_not_found", message="Used.")))
    response = client.get("/app/reset/used")
    assert response.status_code == 404 and "This link cannot be used" in response.get_data(as_text=True)


def test_expired_invitation_page_says_to_ask_for_a_new_one(client, rpc):
    rpc.on("portal", "get_public_portal", PUBLIC)
    rpc.on("portal", "get_invitation", lambda *a: _raise(Gone(code="invitation_expired",
                                                                message="This invitation has expired.")))
    html = client.get("/portal/acme/invite/old").get_data(as_text=True)
    assert "This invitation has expired" in html and "Ask Acme to send you a new one" in html


def test_staff_reset_page_signs_in(client, rpc):
    rpc.on("accounts", "get_password_reset", {"email": "o@a.test", "expires_at": "2026-11-25T12:00:00Z"})
    token = csrf_token(client, "/app/reset/tok-1")
    rpc.on("accounts", "reset_password", lambda tok, body: {"token": "good"})
    response = client.post("/app/reset/tok-1", data={"password": "new password", "password_confirm": "new password",
                                                      "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/app/"
    rpc.on("customers", "list_customers", {"items": [], "page": 1, "per_page": 25, "total": 0})
    assert client.get("/app/customers").status_code == 200  # signed in with the new session

    def short(*args):
        raise Invalid(message="Some fields are invalid.", fields={"password": "Use at least 8 characters."})
    rpc.on("accounts", "reset_password", short)
    response = client.post("/app/reset/tok-1", data={"password": "short", "password_confirm": "short",
                                                      "csrf_token": csrf_token(client, "/app/reset/tok-1")})
    assert response.status_code == 422 and "Use at least 8 characters." in response.get_data(as_text=True)
