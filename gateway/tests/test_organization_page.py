"""Settings → Organization with the RPC layer faked: the form, what is sent, errors by the field."""
from portico_kit.errors import Invalid

from test_routes import csrf_token

ORG = {"id": "org-1", "name": "Acme Design", "email": "hello@acme.test", "phone": None,
       "address": {"street": "Hauptstr. 5", "city": "Berlin", "zip": "10115", "country": "Germany"},
       "currency": "EUR", "timezone": "Europe/Berlin"}


def signed_in(client, rpc):
    rpc.on("accounts", "login", {"token": "good"})
    rpc.on("accounts", "get_organization", dict(ORG))
    client.post("/app/login", data={"email": "o@a.test", "password": "x", "csrf_token": csrf_token(client, "/app/login")})
    return client


def test_the_page_shows_the_profile_in_the_settings_tabs(client, rpc):
    html = signed_in(client, rpc).get("/app/settings/organization").get_data(as_text=True)
    assert 'value="Acme Design"' in html and 'value="Hauptstr. 5"' in html
    assert '<option value="Europe/Berlin" selected>' in html
    assert 'href="/app/settings/organization" aria-current="page"' in html


def test_saving_sends_the_whole_profile_and_a_blank_address_removes_it(client, rpc):
    signed_in(client, rpc)
    rpc.on("accounts", "update_organization", lambda actor, body: dict(ORG, **body))
    response = client.post("/app/settings/organization", data={
        "name": " Acme Studio ", "email": "", "phone": "+49 30 1", "currency": "usd", "timezone": "UTC",
        "tax_id": " DE123456789 ", "payment_instructions": " IBAN DE02 1203\r\nCash welcome ",
        "csrf_token": csrf_token(client, "/app/settings/organization")})
    assert response.status_code == 302
    [(actor, body)] = rpc.called("accounts", "update_organization")
    assert body == {"name": "Acme Studio", "email": None, "phone": "+49 30 1", "address": None,
                    "currency": "USD", "timezone": "UTC", "tax_id": "DE123456789",
                    "payment_instructions": "IBAN DE02 1203\r\nCash welcome"}


def test_errors_are_shown_next_to_their_fields_with_what_was_typed(client, rpc):
    signed_in(client, rpc)

    def refuse(actor, body):
        raise Invalid(message="Some fields are invalid.",
                      fields={"address.country": "Missing data for required field.", "currency": "Unknown currency."})
    rpc.on("accounts", "update_organization", refuse)
    response = client.post("/app/settings/organization", data={
        "name": "Acme", "address.street": "Hauptstr. 5", "address.city": "Berlin", "currency": "XXY",
        "timezone": "UTC", "csrf_token": csrf_token(client, "/app/settings/organization")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Unknown currency." in html and "Country is required." in html and 'value="XXY"' in html


def test_the_form_needs_its_csrf_token(client, rpc):
    signed_in(client, rpc)
    response = client.post("/app/settings/organization", data={"name": "Acme"})
    assert response.status_code == 400 and not rpc.called("accounts", "update_organization")
