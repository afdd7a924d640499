"""API errors in the reader's language: the `code` stays as it is, `message` and each `fields`
value follow the signed-in person's language, else Accept-Language (error_text)."""
from portico_kit.errors import Invalid, NotFound

from conftest import STAFF


def refuse(rpc, exc):
    def raise_it(*args):
        raise exc
    rpc.on("customers", "create_customer", raise_it)


BAD_CUSTOMER = Invalid(message="Some fields are invalid.", fields={
    "email": "Not a valid email address.", "display_name": "Missing data for required field.",
    "notes": "Length must be between 1 and 2000.", "rate": "KWD amounts have at most 3 decimals.",
    "currency": "Currency is not one Portico knows."})


def post(client, auth, **headers):
    return client.post("/api/v1/customers", json={"display_name": "x"}, headers=dict(auth, **headers))


def test_a_german_reader_gets_german_messages_with_the_same_codes(client, rpc, auth):
    refuse(rpc, BAD_CUSTOMER)
    response = post(client, auth, **{"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 422 and response.headers["Content-Language"] == "de"
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert error["message"] == "Einige Felder sind ungültig."
    assert error["fields"] == {"email": "Keine gültige E-Mail-Adresse.", "display_name": "Dieses Pflichtfeld fehlt.",
                               "notes": "Zwischen 1 und 2000 Zeichen.",
                               "rate": "KWD-Beträge haben höchstens 3 Nachkommastellen.",
                               # a service's own text the catalogs lack: a general German one
                               "currency": "Dieser Wert ist ungültig."}


def test_english_readers_get_the_services_words_as_they_are(client, rpc, auth):
    refuse(rpc, BAD_CUSTOMER)
    error = post(client, auth, **{"Accept-Language": "en-US"}).json["error"]
    assert (error["message"], error["fields"]) == (BAD_CUSTOMER.message, BAD_CUSTOMER.fields)
    error = post(client, auth).json["error"]  # no Accept-Language: English
    assert error["fields"]["currency"] == "Currency is not one Portico knows."


def test_the_signed_in_persons_language_wins_over_the_browsers(client, rpc, auth):
    rpc.on("accounts", "authenticate", lambda token: dict(STAFF, language="fr"))
    refuse(rpc, NotFound(code="customer_not_found", message="Customer not found."))
    response = post(client, auth, **{"Accept-Language": "de"})
    assert response.status_code == 404 and response.json["error"]["code"] == "customer_not_found"
    assert response.json["error"]["message"] == "Introuvable."  # the status's general words, in French
    assert response.headers["Content-Language"] == "fr"


def test_the_gateways_own_errors_speak_arabic(client):
    response = client.get("/api/v1/organization", headers={"Accept-Language": "ar"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["message"] == "أرسل Authorization: Bearer <token> (من /api/v1/login)."
    page = client.get("/app/nowhere", headers={"Accept-Language": "de"})
    assert page.status_code == 404 and "Nicht gefunden" in page.get_data(as_text=True)


def test_a_postal_code_refusal_names_the_country_in_the_readers_language(client, rpc, auth):
    refuse(rpc, Invalid(message="Some fields are invalid.",
                        fields={"billing_address.zip": "Not a postal code of DE, such as 26133."}))
    error = post(client, auth, **{"Accept-Language": "de"}).json["error"]
    assert error["fields"] == {"billing_address.zip": "Keine gültige Postleitzahl (Land: Deutschland), etwa 26133."}


def test_what_to_type_in_a_number_field_is_said_in_the_readers_language(client, rpc, auth):
    refuse(rpc, Invalid(message="Some fields are invalid.", fields={"rate": "Enter an amount like 12.50."}))
    error = post(client, auth, **{"Accept-Language": "fr"}).json["error"]
    assert error["fields"] == {"rate": "Saisissez un montant comme 12.50."}  # the example as the field takes it
