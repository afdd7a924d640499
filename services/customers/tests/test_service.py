"""customers over the real broker: the customer book, contact persons, isolation."""
import pytest

from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound

from customers.service import CustomersService

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u-1", "name": "Olive", "org_currency": "EUR"}
OTHER_ORG = {"kind": "staff", "org_id": "org-2", "user_id": "u-2", "name": "Mallory"}
ADDRESS = {"street": "1 Main St", "city": "Springfield", "country": "US", "zip": "12345"}


@pytest.fixture
def customers(start_service, rpc_client):
    start_service(CustomersService, "customers")
    return rpc_client("customers")


def test_a_customer_with_an_email_gets_a_primary_contact(customers):
    created = customers.create_customer(STAFF, {"display_name": "Acme", "email": "Pay@Acme.test",
                                                "billing_address": ADDRESS})
    assert created["currency"] == "EUR"  # the organization's currency by default
    assert created["email"] == "pay@acme.test"
    [contact] = created["contacts"]
    assert contact["is_primary"] and contact["email"] == "pay@acme.test"
    assert customers.get_customer(STAFF, created["id"])["billing_address"]["city"] == "Springfield"


def test_a_create_retried_with_the_same_key_makes_one_customer(customers):
    """The first answer may be lost (a broker restart, a timeout) after the customer was made: the
    retry with the client's Idempotency-Key gets that customer instead of a second one."""
    first = customers.create_customer(STAFF, {"display_name": "Once", "email": "once@x.test"}, "key-1")
    again = customers.create_customer(STAFF, {"display_name": "Once", "email": "once@x.test"}, "key-1")
    assert again == first
    assert [c["id"] for c in customers.list_customers(STAFF)["items"]] == [first["id"]]
    # another key, another staff user or no key at all: another customer
    other_key = customers.create_customer(STAFF, {"display_name": "Once", "email": "once@x.test"}, "key-2")
    other_user = customers.create_customer(dict(STAFF, user_id="u-9"), {"display_name": "Once"}, "key-1")
    unkeyed = customers.create_customer(STAFF, {"display_name": "Once"})
    assert len({first["id"], other_key["id"], other_user["id"], unkeyed["id"]}) == 4
    assert "creation_key" not in first
    with pytest.raises(Invalid) as err:
        customers.create_customer(STAFF, {"display_name": "Long"}, "k" * 256)
    assert err.value.code == "invalid_idempotency_key"


def test_bad_input_is_refused_and_changes_nothing(customers):
    with pytest.raises(Invalid) as err:
        customers.create_customer(STAFF, {"display_name": "x" * 201, "email": "nope",
                                          "currency": "EURO", "billing_address": {"city": ""},
                                          "colour": "red"})
    assert {"display_name", "email", "currency", "billing_address.street", "colour"} <= set(err.value.fields)
    assert customers.list_customers(STAFF)["total"] == 0


def test_search_and_pagination(customers):
    for name in ("Alpha", "Beta", "Gamma"):
        customers.create_customer(STAFF, {"display_name": name, "email": f"{name.lower()}@x.test"})
    page = customers.list_customers(STAFF, None, 1, 2)
    assert (page["total"], [c["display_name"] for c in page["items"]]) == (3, ["Alpha", "Beta"])
    assert [c["display_name"] for c in customers.list_customers(STAFF, "GAM")["items"]] == ["Gamma"]
    with pytest.raises(Invalid):
        customers.list_customers(STAFF, None, 0, 500)


def test_contacts_email_unique_within_customer_and_one_primary(customers):
    customer = customers.create_customer(STAFF, {"display_name": "Acme", "email": "a@acme.test"})
    second = customers.create_contact(STAFF, customer["id"], {"first_name": "Bo", "email": "bo@acme.test"})
    with pytest.raises(Conflict):
        customers.create_contact(STAFF, customer["id"], {"first_name": "Dup", "email": "bo@acme.test"})
    customers.update_contact(STAFF, customer["id"], second["id"], {"is_primary": True})
    after = customers.get_customer(STAFF, customer["id"])
    assert [c["is_primary"] for c in after["contacts"]] == [False, True]
    assert after["email"] == "bo@acme.test"


def test_portal_recipients_need_an_email(customers):
    bare = customers.create_customer(STAFF, {"display_name": "No Mail"})
    assert customers.portal_recipients(STAFF, bare["id"])["contacts"] == []
    customers.update_customer(STAFF, bare["id"], {"email": "late@x.test"})
    [contact] = customers.portal_recipients(STAFF, bare["id"])["contacts"]
    assert contact["email"] == "late@x.test"


def test_other_organizations_and_customers_get_not_found(customers):
    customer = customers.create_customer(STAFF, {"display_name": "Acme", "email": "a@acme.test"})
    for call in (lambda: customers.get_customer(OTHER_ORG, customer["id"]),
                 lambda: customers.update_customer(OTHER_ORG, customer["id"], {"notes": "x"}),
                 lambda: customers.delete_customer(OTHER_ORG, customer["id"]),
                 lambda: customers.create_contact(OTHER_ORG, customer["id"], {"first_name": "X"})):
        with pytest.raises(NotFound):
            call()
    assert customers.list_customers(OTHER_ORG)["total"] == 0
    someone_else = {"kind": "customer", "org_id": "org-1", "customer_id": "another", "contact_id": "c"}
    with pytest.raises(NotFound):
        customers.get_customer(someone_else, customer["id"])
    with pytest.raises(Forbidden):
        customers.update_customer(someone_else, customer["id"], {"notes": "x"})


def test_ensure_contact_adds_once_and_a_customer_only_for_itself(customers):
    customer = customers.create_customer(STAFF, {"display_name": "Acme", "email": "a@acme.test"})
    me = {"kind": "customer", "org_id": "org-1", "customer_id": customer["id"], "contact_id": "x"}
    added = customers.ensure_contact(me, customer["id"], {"first_name": "Fran", "email": "Fran@Else.test"})
    assert added["created"] is True and added["email"] == "fran@else.test" and not added["is_primary"]
    again = customers.ensure_contact(me, customer["id"], {"first_name": "Fran", "email": "fran@else.test"})
    assert again["created"] is False and again["id"] == added["id"]
    other = customers.create_customer(STAFF, {"display_name": "Other"})
    with pytest.raises(NotFound):
        customers.ensure_contact(me, other["id"], {"first_name": "X", "email": "x@x.test"})
    assert len(customers.get_customer(STAFF, customer["id"])["contacts"]) == 2


def test_an_address_is_always_whole_also_when_editing(customers):
    customer = customers.create_customer(STAFF, {"display_name": "Acme", "billing_address": ADDRESS})
    with pytest.raises(Invalid) as err:
        customers.update_customer(STAFF, customer["id"], {"billing_address": {"city": "Elsewhere"}})
    assert {"billing_address.street", "billing_address.country"} <= set(err.value.fields)
    assert customers.get_customer(STAFF, customer["id"])["billing_address"]["city"] == "Springfield"


def test_a_postal_code_must_fit_its_country(customers):
    berlin = {"street": "Hauptstraße 5", "city": "Berlin", "zip": "1011", "country": "DE"}
    with pytest.raises(Invalid) as err:
        customers.create_customer(STAFF, {"display_name": "Krume", "billing_address": berlin})
    assert err.value.fields == {"billing_address.zip": "Not a postal code of DE, such as 26133."}
    created = customers.create_customer(STAFF, {"display_name": "Krume", "billing_address": dict(berlin, zip="10115")})
    assert created["billing_address"]["zip"] == "10115"


def test_search_matches_company_and_email_too(customers):
    customers.create_customer(STAFF, {"display_name": "Alpha", "company_name": "Widgets GmbH"})
    customers.create_customer(STAFF, {"display_name": "Beta", "email": "books@beta-widgets.test"})
    customers.create_customer(STAFF, {"display_name": "Gamma"})
    found = customers.list_customers(STAFF, "widgets")
    assert [c["display_name"] for c in found["items"]] == ["Alpha", "Beta"]


def test_contacts_edit_remove_and_the_primary_moves_on(customers):
    customer = customers.create_customer(STAFF, {"display_name": "Acme", "email": "a@acme.test"})
    first = customer["contacts"][0]
    second = customers.create_contact(STAFF, customer["id"], {"first_name": "Bo", "last_name": "Ek",
                                                              "email": "bo@acme.test"})
    assert second["name"] == "Bo Ek" and second["is_primary"] is False
    with pytest.raises(Invalid) as err:
        customers.update_contact(STAFF, customer["id"], first["id"], {"is_primary": False})
    assert err.value.code == "primary_required"
    for bad in ({"email": "not-an-email"}, {"first_name": ""}, {"phone": "9" * 51}, {"colour": "red"}):
        with pytest.raises(Invalid):
            customers.update_contact(STAFF, customer["id"], second["id"], bad)
    with pytest.raises(Conflict):
        customers.update_contact(STAFF, customer["id"], second["id"], {"email": "a@acme.test"})
    assert customers.update_contact(STAFF, customer["id"], second["id"], {"phone": "+1"})["phone"] == "+1"
    customers.delete_contact(STAFF, customer["id"], first["id"])
    after = customers.get_customer(STAFF, customer["id"])
    assert [(c["id"], c["is_primary"]) for c in after["contacts"]] == [(second["id"], True)]
    assert after["email"] == "bo@acme.test"
    with pytest.raises(NotFound):
        customers.delete_contact(STAFF, customer["id"], first["id"])
    other = customers.create_customer(STAFF, {"display_name": "Other"})
    with pytest.raises(NotFound):  # a contact is reached only through its own customer
        customers.update_contact(STAFF, other["id"], second["id"], {"phone": "2"})


def test_search_takes_percent_and_underscore_literally(customers):
    customers.create_customer(STAFF, {"display_name": "50% Off Ltd"})
    customers.create_customer(STAFF, {"display_name": "Five Hundred"})
    customers.create_customer(STAFF, {"display_name": "a_b Co"})
    customers.create_customer(STAFF, {"display_name": "axb Co"})
    assert [c["display_name"] for c in customers.list_customers(STAFF, "50%")["items"]] == ["50% Off Ltd"]
    assert [c["display_name"] for c in customers.list_customers(STAFF, "a_b")["items"]] == ["a_b Co"]
    assert customers.list_customers(STAFF, "%")["total"] == 1
