"""Staff customer pages, Settings → Custom fields and the portal's "My details", RPC layer faked."""
import re

from portico_kit.errors import Conflict, Forbidden, Invalid, ServiceUnavailable

from .test_customer_book_routes import PORTAL_SESSION, PROFILE
from .test_notification_routes import csrf_token, sign_in

ADDRESS = {"street": "1 Main St", "city": "Springfield", "zip": "12345", "country": "US"}
CUSTOMER = {"id": "cu-1", "display_name": "Acme", "company_name": None, "email": "a@acme.test", "phone": None,
            "website": None, "currency": "EUR", "billing_address": ADDRESS, "shipping_address": None, "notes": None,
            "custom_fields": {"tier": "Gold", "seats": 3},
            "contacts": [{"id": "ct-1", "customer_id": "cu-1", "first_name": "Ann", "last_name": None,
                          "email": "a@acme.test", "phone": None, "is_primary": True, "name": "Ann"}]}
FIELDS = [{"key": "tier", "label": "Tier", "type": "dropdown", "options": ["Gold", "Silver"], "show_in_portal": True,
           "editable_in_portal": False},
          {"key": "seats", "label": "Seats", "type": "number", "options": [], "show_in_portal": False,
           "editable_in_portal": False}]


def staff(client, rpc):
    rpc.on("customers", "get_customer", lambda actor, cid: dict(CUSTOMER))
    rpc.on("customers", "list_custom_fields", FIELDS)
    rpc.on("portal", "get_portal_access", {"enabled": False, "contacts": []})
    sign_in(client, rpc)


def test_customer_page_shows_addresses_custom_fields_and_contacts(client, rpc):
    staff(client, rpc)
    html = client.get("/app/customers/cu-1").get_data(as_text=True)
    assert "Springfield" in html and "Billing address" in html
    assert re.search(r'data-field="tier">\s*Gold', html) and "Seats" in html
    assert "Add contact person" in html and "/app/customers/cu-1/contacts/ct-1" in html
    assert "Portal access" in html and "/app/customers/cu-1/edit" in html
    shipping = re.search(r'<dd id="shipping-address">(.*?)</dd>', html, re.S).group(1)
    assert shipping.strip() == '<span class="muted">—</span>' and "None" not in html  # no address: a dash, as elsewhere


def test_a_panel_whose_service_is_down_leaves_the_page_working(client, rpc):
    staff(client, rpc)
    rpc.handlers.pop(("customers", "list_custom_fields"))
    response = client.get("/app/customers/cu-1")
    assert response.status_code == 200 and "Contact persons" in response.get_data(as_text=True)


def test_a_panel_waits_for_its_service_at_most_the_panel_timeout_and_the_page_the_full_one(client, rpc):
    from gateway.web.panels import PANEL_RPC_TIMEOUT
    staff(client, rpc)
    assert client.get("/app/customers/cu-1").status_code == 200
    timeouts = {m: timeout for (_, m, _), timeout in zip(rpc.calls, rpc.timeouts)}
    assert timeouts["list_custom_fields"] == PANEL_RPC_TIMEOUT  # a panel: left out after 3 s
    assert timeouts["get_customer"] is None  # the page itself: the client's full timeout


def test_edit_sends_typed_changed_values_and_shows_errors_next_to_fields(client, rpc):
    staff(client, rpc)
    token = csrf_token(client, "/app/customers/cu-1/edit")
    form = {"csrf_token": token, "display_name": "Acme Inc", "email": "a@acme.test", "currency": "eur",
            "billing_address.street": "9 Elm Rd", "billing_address.city": "Shelbyville",
            "billing_address.country": "US", "custom_fields.tier": "Gold", "custom_fields.seats": "4.50"}
    rpc.on("customers", "update_customer", lambda actor, cid, body: dict(CUSTOMER, **body))
    response = client.post("/app/customers/cu-1/edit", data=form)
    assert response.status_code == 302 and response.location.endswith("/app/customers/cu-1")
    [(_, cid, body)] = rpc.called("customers", "update_customer")
    assert body["custom_fields"] == {"seats": 4.5}  # only what changed, typed
    assert body["billing_address"] == {"street": "9 Elm Rd", "city": "Shelbyville", "country": "US"}
    assert body["shipping_address"] is None and body["currency"] == "EUR" and body["phone"] is None

    def invalid(actor, cid, body):
        raise Invalid(message="Some fields are invalid.", fields={"billing_address.city": "Missing data for required field.",
                                                                  "custom_fields.seats": "Must be a number."})
    rpc.on("customers", "update_customer", invalid)
    response = client.post("/app/customers/cu-1/edit", data=dict(form, **{"custom_fields.seats": "many"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="billing_address-city-error"' in html and 'id="custom_fields-seats-error"' in html
    assert 'value="many"' in html  # what was typed stays in the form


def test_delete_confirms_and_a_409_is_shown_on_the_customer_page(client, rpc):
    staff(client, rpc)
    assert "Delete Acme?" in client.get("/app/customers/cu-1/delete").get_data(as_text=True)
    token = csrf_token(client, "/app/customers/cu-1/delete")

    def has_documents(actor, cid):
        raise Conflict(code="customer_has_documents", message="Acme has 2 invoices, so it cannot be deleted.")
    rpc.on("customers", "delete_customer", has_documents)
    response = client.post("/app/customers/cu-1/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "Acme has 2 invoices, so it cannot be deleted." in response.get_data(as_text=True)

    def billing_down(actor, cid):
        raise ServiceUnavailable(message="Could not check whether this customer has invoices; not deleted.")
    rpc.on("customers", "delete_customer", billing_down)
    response = client.post("/app/customers/cu-1/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "not deleted" in response.get_data(as_text=True)

    rpc.on("customers", "delete_customer", {"deleted": True, "id": "cu-1"})
    rpc.on("customers", "list_customers", {"items": [], "page": 1, "per_page": 25, "total": 0})
    response = client.post("/app/customers/cu-1/delete", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/app/customers")


def test_contacts_add_edit_remove(client, rpc):
    staff(client, rpc)
    token = csrf_token(client, "/app/customers/cu-1/contacts/new")
    rpc.on("customers", "create_contact", lambda actor, cid, body: dict(body, id="ct-2", name=body["first_name"]))
    response = client.post("/app/customers/cu-1/contacts/new", data={"csrf_token": token, "first_name": "Bo",
                                                                     "email": "bo@acme.test"})
    assert response.status_code == 302
    assert rpc.called("customers", "create_contact")[0][2] == {"first_name": "Bo", "last_name": None,
                                                               "email": "bo@acme.test", "phone": None}

    def taken(*args):
        raise Conflict(code="contact_email_taken", message="Another contact person of this customer has that email.",
                       fields={"email": "Already used by another contact of this customer."})
    rpc.on("customers", "update_contact", taken)
    response = client.post("/app/customers/cu-1/contacts/ct-1", data={"csrf_token": token, "first_name": "Ann",
                                                                      "email": "bo@acme.test"})
    assert response.status_code == 422 and "Already used" in response.get_data(as_text=True)
    assert client.get("/app/customers/cu-1/contacts/nope").status_code == 404
    rpc.on("customers", "delete_contact", {"deleted": True, "id": "ct-1"})
    response = client.post("/app/customers/cu-1/contacts/ct-1/remove", data={"csrf_token": token})
    assert response.status_code == 302 and rpc.called("customers", "delete_contact")[0][1:] == ("cu-1", "ct-1")


def test_custom_fields_settings_page(client, rpc):
    staff(client, rpc)
    html = client.get("/app/settings/custom-fields").get_data(as_text=True)
    assert "Tier" in html and "Gold, Silver" in html and 'aria-current="page">Custom fields' in html
    token = csrf_token(client, "/app/settings/custom-fields")
    rpc.on("customers", "create_custom_field", lambda actor, body: dict(body))
    response = client.post("/app/settings/custom-fields", data={
        "csrf_token": token, "label": "Plan", "key": "plan", "type": "dropdown", "options": "Basic\r\n\r\nPro\r\n",
        "show_in_portal": "on"})
    assert response.status_code == 302
    assert rpc.called("customers", "create_custom_field")[0][1] == {
        "label": "Plan", "key": "plan", "type": "dropdown", "options": ["Basic", "Pro"],
        "show_in_portal": True, "editable_in_portal": False}

    def bad(actor, body):
        raise Invalid(message="The custom field is not valid.", fields={"options.1": "Longer than maximum length 100."})
    rpc.on("customers", "create_custom_field", bad)
    response = client.post("/app/settings/custom-fields", data={"csrf_token": token, "label": "P", "key": "p",
                                                                "type": "dropdown", "options": "a\n" + "b" * 101})
    assert response.status_code == 422 and "Option 2: Longer than maximum length 100." in response.get_data(as_text=True)

    rpc.on("customers", "update_custom_field", lambda actor, key, body: dict(FIELDS[0], **body))
    response = client.post("/app/settings/custom-fields/tier", data={"csrf_token": token, "label": "Level",
                                                                     "options": "Gold\nSilver\nBronze"})
    assert response.status_code == 302
    assert rpc.called("customers", "update_custom_field")[0][1:] == ("tier", {
        "label": "Level", "show_in_portal": False, "editable_in_portal": False, "options": ["Gold", "Silver", "Bronze"]})
    assert client.get("/app/settings/custom-fields/nope").status_code == 404
    rpc.on("customers", "delete_custom_field", {"deleted": True, "key": "tier"})
    assert client.post("/app/settings/custom-fields/tier/delete", data={"csrf_token": token}).status_code == 302


def portal_signed_in(client, rpc, features):
    session = dict(PORTAL_SESSION, portal=dict(PORTAL_SESSION["portal"], features=features))
    rpc.on("portal", "resolve_session", lambda name, token: session)
    with client.session_transaction() as cookie:
        cookie["portal_tokens"] = {"acme": "p-good"}
    profile = dict(PROFILE, billing_address=ADDRESS, custom_fields={"tier": "Gold", "po": "PO-1"},
                   customer={"id": "cu-1", "display_name": "Acme", "company_name": None},
                   custom_field_definitions=[
                       {"key": "tier", "label": "Tier", "type": "dropdown", "options": ["Gold"], "editable": False},
                       {"key": "po", "label": "PO number", "type": "text", "options": [], "editable": True}])
    rpc.on("customers", "get_profile", lambda actor: profile)
    return profile


def test_profile_page_is_a_form_when_editing_is_allowed(client, rpc):
    portal_signed_in(client, rpc, {"profile_edit": True})
    html = client.get("/portal/acme/profile").get_data(as_text=True)
    assert 'id="profile-form"' in html and 'name="billing_address.street"' in html and 'value="PO-1"' in html
    assert 'name="custom_fields.tier"' not in html and "Tier" in html  # shown, not editable
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    rpc.on("customers", "update_profile", lambda actor, body: body)
    response = client.post("/portal/acme/profile", data={
        "csrf_token": token, "billing_address.street": "9 Elm Rd", "billing_address.city": "Shelbyville",
        "billing_address.country": "US", "custom_fields.po": "PO-1", "contact.first_name": "Bob",
        "custom_fields.tier": "Hacked"})
    assert response.status_code == 302
    [(actor, body)] = rpc.called("customers", "update_profile")
    assert actor["customer_id"] == "cu-1" and "custom_fields" not in body  # nothing changed there, tier not editable
    assert body["billing_address"]["city"] == "Shelbyville" and body["contact"]["first_name"] == "Bob"

    def invalid(actor, body):
        raise Invalid(message="Some fields are invalid.", fields={"contact.first_name": "Must not be blank."})
    rpc.on("customers", "update_profile", invalid)
    response = client.post("/portal/acme/profile", data={"csrf_token": token, "contact.first_name": ""})
    assert response.status_code == 422 and 'id="contact-first_name-error"' in response.get_data(as_text=True)


def test_my_details_ships_to_the_billing_address_and_names_a_missing_line(client, rpc):
    portal_signed_in(client, rpc, {"profile_edit": True})
    html = client.get("/portal/acme/profile").get_data(as_text=True)
    assert 'name="shipping_address.same"' in html and "Same as the billing address" in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    rpc.on("customers", "update_profile", lambda actor, body: body)
    client.post("/portal/acme/profile", data={
        "csrf_token": token, "billing_address.street": "9 Elm Rd", "billing_address.city": "Shelbyville",
        "billing_address.country": "US", "contact.first_name": "Bob", "shipping_address.same": "1",
        "shipping_address.street": "left over from before"})
    [(_, body)] = rpc.called("customers", "update_profile")
    assert body["shipping_address"] == body["billing_address"] == {
        "street": "9 Elm Rd", "city": "Shelbyville", "country": "US"}

    def half_filled(actor, body):
        raise Invalid(message="Some fields are invalid.",
                      fields={"billing_address.city": "Missing data for required field."})
    rpc.on("customers", "update_profile", half_filled)
    response = client.post("/portal/acme/profile", data={"csrf_token": token, "billing_address.street": "9 Elm Rd",
                                                          "contact.first_name": "Bob", "shipping_address.same": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="billing_address-city-error">City is required.<' in html
    assert 'name="shipping_address.same" value="1" checked' in html  # the tick stays


def test_profile_page_is_read_only_when_editing_is_off(client, rpc):
    portal_signed_in(client, rpc, {"profile_edit": False})
    html = client.get("/portal/acme/profile").get_data(as_text=True)
    # nothing to type in; only the language stays the contact's own choice (a select)
    assert 'id="profile-form"' not in html and "<input" not in html.split("</header>")[1].replace(
        '<input type="hidden" name="csrf_token"', "")
    assert 'name="language"' in html
    assert "Springfield" in html and "PO-1" in html and 'id="read-only-note"' in html

    def disabled(actor, body):
        raise Forbidden(code="profile_edit_disabled", message="Editing your details in the portal is turned off.")
    rpc.on("customers", "update_profile", disabled)
    token = csrf_token(client, "/portal/acme/profile")  # the sign-out form's
    response = client.post("/portal/acme/profile", data={"csrf_token": token, "contact.first_name": "X"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Editing your details in the portal is turned off." in \
        response.get_data(as_text=True)
    assert client.post("/portal/acme/profile", data={"contact.first_name": "X"}).status_code == 400  # no CSRF


def test_the_profile_menu_entry_exists(client, rpc):
    portal_signed_in(client, rpc, {"profile_edit": False})
    rpc.on("customers", "get_customer", lambda actor, cid: dict(CUSTOMER))
    assert "/portal/acme/profile" in client.get("/portal/acme/profile").get_data(as_text=True)


def test_new_customer_form_takes_addresses_and_custom_fields(client, rpc):
    staff(client, rpc)
    token = csrf_token(client, "/app/customers/new")
    rpc.on("customers", "create_customer", lambda actor, body: dict(CUSTOMER, **body))
    response = client.post("/app/customers/new", data={
        "csrf_token": token, "display_name": "Acme", "currency": "gbp", "billing_address.street": "1 Main St",
        "billing_address.city": "Leeds", "billing_address.country": "UK", "custom_fields.seats": "7",
        "custom_fields.tier": ""})
    assert response.status_code == 302
    [(_, body)] = rpc.called("customers", "create_customer")
    assert body == {"display_name": "Acme", "currency": "GBP", "custom_fields": {"seats": 7},
                    "billing_address": {"street": "1 Main St", "city": "Leeds", "country": "UK"}}

    def invalid(actor, body):
        raise Invalid(message="Some fields are invalid.", fields={"shipping_address.street": "Missing data for required field."})
    rpc.on("customers", "create_customer", invalid)
    html = client.post("/app/customers/new", data={"csrf_token": token, "display_name": "Acme",
                                                   "shipping_address.city": "York"}).get_data(as_text=True)
    assert "<details open>" in html.replace("<details  open>", "<details open>") and 'value="York"' in html


def test_another_organizations_customer_is_a_404_page_everywhere(client, rpc):
    from portico_kit.errors import NotFound

    def absent(*args):
        raise NotFound(code="customer_not_found", message="Customer not found.")
    staff(client, rpc)
    for method in ("get_customer", "update_customer", "delete_customer", "create_contact", "update_contact",
                   "delete_contact"):
        rpc.on("customers", method, absent)
    token = csrf_token(client, "/app/customers/new")
    for path in ("/app/customers/x", "/app/customers/x/edit", "/app/customers/x/delete",
                 "/app/customers/x/contacts/new", "/app/customers/x/contacts/c"):
        assert client.get(path).status_code == 404, path
    for path in ("/app/customers/x/edit", "/app/customers/x/delete", "/app/customers/x/contacts/new",
                 "/app/customers/x/contacts/c", "/app/customers/x/contacts/c/remove"):
        assert client.post(path, data={"csrf_token": token, "first_name": "M"}).status_code == 404, path


def test_addresses_read_as_their_country_writes_them_and_the_country_is_picked_by_name(client, rpc):
    from conftest import STAFF
    rpc.on("accounts", "authenticate", lambda token: dict(STAFF, language="de"))
    portland = {"street": "1 Main St", "city": "Portland", "state": "OR", "zip": "97201", "country": "US"}
    berlin = {"street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE"}
    staff(client, rpc)
    rpc.on("customers", "get_customer", lambda actor, cid: dict(CUSTOMER, billing_address=portland,
                                                                shipping_address=berlin))
    html = client.get("/app/customers/cu-1").get_data(as_text=True)
    billing = re.search(r'<dd id="billing-address">(.*?)</dd>', html, re.S).group(1)
    shipping = re.search(r'<dd id="shipping-address">(.*?)</dd>', html, re.S).group(1)
    assert "Portland, OR 97201<br>Vereinigte Staaten" in billing   # the US way, the country in German
    assert "10115 Berlin<br>Deutschland" in shipping

    form = client.get("/app/customers/cu-1/edit").get_data(as_text=True)
    picker = re.search(r'<select id="billing_address-country".*?</select>', form, re.S).group(0)
    assert re.search(r'<option value="US"\s+selected>Vereinigte Staaten</option>', picker)
    assert '<option value="DE" >Deutschland</option>' in picker or re.search(r'<option value="DE"\s*>Deutschland<', picker)


def test_a_refused_postal_code_is_explained_next_to_the_field_in_the_readers_language(client, rpc):
    from conftest import STAFF
    rpc.on("accounts", "authenticate", lambda token: dict(STAFF, language="de"))
    staff(client, rpc)

    def refuse(actor, cid, changes):
        raise Invalid(message="Some fields are invalid.",
                      fields={"billing_address.zip": "Not a postal code of US, such as 95014.",
                              "billing_address.city": "A service's own words."})
    rpc.on("customers", "update_customer", refuse)
    form = {"csrf_token": csrf_token(client, "/app/customers/cu-1/edit"), "display_name": "Acme",
            "billing_address.street": "1 Main St", "billing_address.city": "Portland",
            "billing_address.zip": "1234", "billing_address.country": "US"}
    html = client.post("/app/customers/cu-1/edit", data=form).get_data(as_text=True)
    assert "Keine gültige Postleitzahl (Land: Vereinigte Staaten), etwa 95014." in html
    assert "A service&#39;s own words." in html  # nothing in the catalogs: as the service wrote it
