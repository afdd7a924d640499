"""The customer book and the customer's own details, end to end through the gateway (API.md)."""

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text
from portico_kit.testing.waiting import wait_until as wait_for

ADDRESS = {"street": "1 Main St", "city": "Springfield", "zip": "12345", "country": "US"}
NEW_ADDRESS = {"street": "9 Elm Rd", "city": "Shelbyville", "country": "US"}


def error_of(response, status):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) <= {"code", "message", "fields"} and error["message"]
    return error


def define_fields(api, token):
    for field in ({"key": "po_number", "label": "PO number", "type": "text", "show_in_portal": True,
                   "editable_in_portal": True},
                  {"key": "seats", "label": "Seats", "type": "number", "show_in_portal": True},
                  {"key": "tier", "label": "Tier", "type": "dropdown", "options": ["Gold", "Silver"]},
                  {"key": "renewal", "label": "Renewal", "type": "date"}):
        api.json("POST", "/api/v1/settings/custom-fields", token, expect=201, json=field)


def test_custom_field_definitions_through_the_api(api, new_org):
    token = new_org("Fields Co")["token"]
    define_fields(api, token)
    listed = api.json("GET", "/api/v1/settings/custom-fields", token)
    assert [f["key"] for f in listed["items"]] == ["po_number", "seats", "tier", "renewal"]
    assert error_of(api.request("POST", "/api/v1/settings/custom-fields", token,
                                json={"key": "seats", "label": "x", "type": "text"}), 409)["code"] == \
        "custom_field_key_taken"
    bad = error_of(api.request("POST", "/api/v1/settings/custom-fields", token,
                               json={"key": "Bad Key", "label": "", "type": "colour"}), 422)
    assert {"key", "label", "type"} <= set(bad["fields"])
    changed = api.json("PATCH", "/api/v1/settings/custom-fields/tier", token, json={"options": ["Gold", "Bronze"]})
    assert changed["options"] == ["Gold", "Bronze"]
    assert error_of(api.request("PATCH", "/api/v1/settings/custom-fields/tier", token, json={"type": "text"}),
                    422)["code"] == "custom_field_fixed"
    api.json("DELETE", "/api/v1/settings/custom-fields/renewal", token)
    assert len(api.json("GET", "/api/v1/settings/custom-fields", token)["items"]) == 3
    error_of(api.request("DELETE", "/api/v1/settings/custom-fields/renewal", token), 404)
    other = new_org("Other Fields")["token"]
    assert api.json("GET", "/api/v1/settings/custom-fields", other)["items"] == []
    error_of(api.request("PATCH", "/api/v1/settings/custom-fields/tier", other, json={"label": "x"}), 404)
    error_of(api.request("DELETE", "/api/v1/settings/custom-fields/tier", other), 404)
    assert [f["key"] for f in api.json("GET", "/api/v1/settings/custom-fields", token)["items"]] == \
        ["po_number", "seats", "tier"]


def test_customers_bad_input_is_refused_in_the_error_format_and_changes_nothing(api, new_org):
    token = new_org("Strict Co")["token"]
    define_fields(api, token)
    customer = api.create_customer(token, display_name="Acme", email="pay@acme.test", billing_address=ADDRESS,
                                   custom_fields={"po_number": "PO-1", "seats": 3, "tier": "Gold"})
    assert customer["custom_fields"] == {"po_number": "PO-1", "seats": 3, "tier": "Gold"}
    path = f"/api/v1/customers/{customer['id']}"
    before = api.json("GET", path, token)
    cases = [
        ({"custom_fields": {"seats": "three"}}, "custom_fields.seats"),
        ({"custom_fields": {"colour": "red"}}, "custom_fields.colour"),
        ({"custom_fields": {"tier": "Platinum"}}, "custom_fields.tier"),
        ({"custom_fields": "po_number"}, "custom_fields"),
        ({"display_name": "x" * 201}, "display_name"),
        ({"notes": "n" * 5001}, "notes"),
        ({"billing_address": {"street": "s" * 301, "city": "c", "country": "US"}}, "billing_address.street"),
        ({"billing_address": {"city": "c"}}, "billing_address.street"),
        ({"email": "not-an-email"}, "email"),
        ({"currency": "EURO"}, "currency"),
        ({"display_name": 42}, "display_name"),
        ({"colour": "red"}, "colour"),
    ]
    for body, field in cases:
        error = error_of(api.request("PATCH", path, token, json=dict(body, phone="+1 555")), 422)
        assert field in error["fields"], (body, error)
    error_of(api.request("PATCH", path, token, data="{nope", headers={"Content-Type": "application/json"}), 400)
    error_of(api.request("PATCH", path, token, json=["display_name"]), 400)
    after = api.json("GET", path, token)
    assert after == before
    error = error_of(api.request("POST", "/api/v1/customers", token,
                                 json={"display_name": "New", "custom_fields": {"seats": True}}), 422)
    assert "custom_fields.seats" in error["fields"]
    assert api.json("GET", "/api/v1/customers", token)["total"] == 1


def test_list_search_pagination_edit_contacts_and_delete(api, new_org):
    token = new_org("Book Co")["token"]
    for name, company, email in (("Alpha", "Widgets Ltd", None), ("Beta", None, "books@widgets.test"),
                                 ("Gamma", None, None)):
        api.create_customer(token, display_name=name, company_name=company, email=email)
    found = api.json("GET", "/api/v1/customers?search=widgets", token)
    assert [c["display_name"] for c in found["items"]] == ["Alpha", "Beta"]
    page = api.json("GET", "/api/v1/customers?page=2&per_page=2", token)
    assert (page["total"], page["page"], [c["display_name"] for c in page["items"]]) == (3, 2, ["Gamma"])
    error_of(api.request("GET", "/api/v1/customers?per_page=1000", token), 422)

    gamma = api.json("GET", "/api/v1/customers?search=gamma", token)["items"][0]
    path = f"/api/v1/customers/{gamma['id']}"
    edited = api.json("PATCH", path, token, json={"website": "https://gamma.test", "shipping_address": ADDRESS})
    assert edited["website"] == "https://gamma.test" and edited["shipping_address"]["city"] == "Springfield"

    first = api.json("POST", f"{path}/contacts", token, expect=201, json={"first_name": "Gil", "email": "gil@gamma.test"})
    assert first["is_primary"] is True  # the first contact is the primary one
    second = api.json("POST", f"{path}/contacts", token, expect=201, json={"first_name": "Ana", "email": "ana@gamma.test"})
    assert error_of(api.request("POST", f"{path}/contacts", token, json={"first_name": "Dup", "email": "ANA@gamma.test"}),
                    409)["code"] == "contact_email_taken"
    error_of(api.request("POST", f"{path}/contacts", token, json={"first_name": "Bad", "email": "nope"}), 422)
    api.json("PATCH", f"{path}/contacts/{second['id']}", token, json={"is_primary": True, "phone": "+44"})
    contacts = api.json("GET", f"{path}/contacts", token)["items"]
    assert [(c["first_name"], c["is_primary"]) for c in contacts] == [("Gil", False), ("Ana", True)]
    assert api.json("GET", path, token)["email"] == "ana@gamma.test"
    api.json("DELETE", f"{path}/contacts/{second['id']}", token)
    assert [c["is_primary"] for c in api.json("GET", f"{path}/contacts", token)["items"]] == [True]

    assert api.json("DELETE", path, token) == {"deleted": True, "id": gamma["id"]}  # no documents
    error_of(api.request("GET", path, token), 404)


def test_another_organization_gets_404_on_every_customer_route(api, new_org):
    token = new_org("Owner Co")["token"]
    customer = api.create_customer(token, display_name="Private", email="private@owner.test")
    contact_id = customer["contacts"][0]["id"]
    mallory = new_org("Mallory")["token"]
    base = f"/api/v1/customers/{customer['id']}"
    for method, path, body in (
            ("GET", base, None), ("PATCH", base, {"notes": "mine"}), ("DELETE", base, None),
            ("GET", f"{base}/contacts", None), ("POST", f"{base}/contacts", {"first_name": "M"}),
            ("PATCH", f"{base}/contacts/{contact_id}", {"phone": "1"}),
            ("DELETE", f"{base}/contacts/{contact_id}", None),
            ("POST", f"{base}/portal/enable", {}), ("POST", f"{base}/portal/disable", None),
            ("POST", f"{base}/portal/invite", None)):
        response = api.request(method, path, mallory, json=body)
        assert error_of(response, 404), (method, path)
    assert api.json("GET", "/api/v1/customers?search=private", mallory)["total"] == 0
    after = api.json("GET", base, token)
    assert after["notes"] is None and [c["id"] for c in after["contacts"]] == [contact_id]
    assert after["portal"]["enabled"] is False


def portal_customer(api, mail, token, name, unique):
    email = f"{name.lower()}-{unique}@profile.test"
    customer = api.create_customer(token, display_name=f"{name} Ltd", email=email, enable_portal=True,
                                   billing_address=ADDRESS, custom_fields={"po_number": "PO-1", "tier": "Gold"})
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    return customer, portal_token


def test_the_customer_edits_their_details_and_staff_see_it_at_once(api, new_org, mail, unique):
    owner = new_org("Profile Co")
    token = owner["token"]
    define_fields(api, token)
    portal_name = api.portal_settings(token)["portal_name"]
    customer, portal_token = portal_customer(api, mail, token, "Rita", unique)
    profile_path = f"/portal/{portal_name}/api/v1/profile"

    profile = api.json("GET", profile_path, portal_token)
    assert profile["billing_address"]["city"] == "Springfield" and profile["editable"] is False
    assert profile["custom_fields"] == {"po_number": "PO-1"}  # tier is not shown in the portal
    assert profile["contact"]["first_name"] == "Rita Ltd"

    # turned off (the default): 403, and nothing changes
    error = error_of(api.request("PATCH", profile_path, portal_token, json={"billing_address": NEW_ADDRESS}), 403)
    assert error["code"] == "profile_edit_disabled"

    api.portal_settings(token, allow_profile_edit=True)
    for body, field in (({"custom_fields": {"seats": 4}}, "custom_fields.seats"),        # shown, not editable
                        ({"custom_fields": {"tier": "Silver"}}, "custom_fields.tier"),   # hidden from customers
                        ({"custom_fields": {"nope": 1}}, "custom_fields.nope"),
                        ({"custom_fields": {"po_number": 12}}, "custom_fields.po_number"),
                        ({"billing_address": {"street": "x" * 301, "city": "c", "country": "US"}}, "billing_address.street"),
                        ({"contact": {"email": "evil@x.test"}}, "contact.email"),
                        ({"contact": {"first_name": "f" * 101}}, "contact.first_name"),
                        ({"notes": "hello"}, "notes")):
        assert field in error_of(api.request("PATCH", profile_path, portal_token,
                                             json=dict(body, shipping_address=NEW_ADDRESS)), 422)["fields"]
    error_of(api.request("PATCH", profile_path, portal_token, data="[", headers={"Content-Type": "application/json"}), 400)
    assert api.json("GET", profile_path, portal_token) == dict(profile, editable=True)

    saved = api.json("PATCH", profile_path, portal_token, json={
        "billing_address": NEW_ADDRESS, "custom_fields": {"po_number": "PO-2"},
        "contact": {"first_name": "Rita", "last_name": "Moreno", "phone": "+1 555 0100"}})
    assert saved["billing_address"]["city"] == "Shelbyville" and saved["contact"]["last_name"] == "Moreno"
    staff_view = api.json("GET", f"/api/v1/customers/{customer['id']}", token)
    assert staff_view["billing_address"]["city"] == "Shelbyville"
    assert staff_view["custom_fields"] == {"po_number": "PO-2", "tier": "Gold"}
    assert staff_view["contacts"][0]["name"] == "Rita Moreno"

    # the activity log and the staff email name the changed fields (customer_updated, actor: the customer)
    entry = wait_for(lambda: [e for e in api.json("GET", "/api/v1/portal/activity", token)["items"]
                              if e["kind"] == "customer_updated"])[0]
    assert entry["customer_id"] == customer["id"] and entry["contact"]["name"]
    assert set(entry["details"]["fields"]) == {"billing_address", "custom_fields.po_number", "contact.first_name",
                                               "contact.last_name", "contact.phone"}
    assert set(entry["details"]["field_labels"]) == {"Billing address", "PO number", "Contact first name",
                                                     "Contact last name", "Contact phone"}
    staff_mail = mail.wait_for(owner["email"], subject_contains="updated their details")
    assert "Shelbyville" in body_text(staff_mail[-1])

    # turned off again: read-only
    api.portal_settings(token, allow_profile_edit=False)
    error_of(api.request("PATCH", profile_path, portal_token, json={"billing_address": ADDRESS}), 403)
    assert api.json("GET", profile_path, portal_token)["billing_address"]["city"] == "Shelbyville"


def test_a_customer_only_ever_reaches_its_own_profile(api, new_org, mail, unique):
    token = new_org("Two Customers Co")["token"]
    define_fields(api, token)
    portal_name = api.portal_settings(token, allow_profile_edit=True)["portal_name"]
    first, first_token = portal_customer(api, mail, token, "Ann", unique)
    second, second_token = portal_customer(api, mail, token, "Ben", unique)
    path = f"/portal/{portal_name}/api/v1/profile"
    assert api.json("GET", path, second_token)["customer"]["id"] == second["id"]
    api.json("PATCH", path, second_token, json={"billing_address": NEW_ADDRESS})
    assert api.json("GET", f"/api/v1/customers/{first['id']}", token)["billing_address"]["city"] == "Springfield"
    # a token of this portal is nothing on another organization's portal
    other_portal = api.portal_settings(new_org("Elsewhere")["token"])["portal_name"]
    error_of(api.request("GET", f"/portal/{other_portal}/api/v1/profile", first_token), 401)
    error_of(api.request("PATCH", f"/portal/{other_portal}/api/v1/profile", first_token,
                         json={"billing_address": NEW_ADDRESS}), 401)
    error_of(api.request("GET", path), 401)
    # staff tokens are not portal tokens
    error_of(api.request("GET", path, token), 401)


def test_custom_values_and_the_profile_on_both_databases(any_stack, mail, unique):
    from devstack.client import Portico
    api = Portico(any_stack.url)
    token = api.signup(f"Both Db {unique}", f"owner-{unique}@both.test")["token"]
    define_fields(api, token)
    portal_name = api.portal_settings(token, allow_profile_edit=True)["portal_name"]
    customer, portal_token = portal_customer(api, mail, token, f"Dee{unique[:4]}", unique)
    api.json("PATCH", f"/portal/{portal_name}/api/v1/profile", portal_token,
             json={"shipping_address": NEW_ADDRESS, "custom_fields": {"po_number": "PO-9"}})
    api.json("DELETE", "/api/v1/settings/custom-fields/tier", token)
    seen = api.json("GET", f"/api/v1/customers/{customer['id']}", token)
    assert seen["shipping_address"]["city"] == "Shelbyville" and seen["custom_fields"] == {"po_number": "PO-9"}
