"""A customer's own details in the portal: what it sees, what it may change, and when."""
import pytest

from portico_kit.errors import Forbidden, Invalid, NotFound, ServiceUnavailable

from .conftest import FEATURES, events_of

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u-1", "name": "Olive"}
ADDRESS = {"street": "1 Main St", "city": "Springfield", "country": "US"}
NEW_ADDRESS = {"street": "9 Elm Rd", "city": "Shelbyville", "zip": "54321", "country": "US"}


@pytest.fixture
def org(system):
    system.start_portal()
    FEATURES["org-1"] = {"profile_edit": True}
    make = system.customers.create_custom_field
    make(STAFF, {"key": "po_number", "label": "PO number", "type": "text", "show_in_portal": True,
                 "editable_in_portal": True})
    make(STAFF, {"key": "renewal", "label": "Renewal", "type": "date", "show_in_portal": True})
    make(STAFF, {"key": "credit_rating", "label": "Credit rating", "type": "text"})
    customer = system.customers.create_customer(STAFF, {
        "display_name": "Acme", "email": "pay@acme.test", "billing_address": ADDRESS, "notes": "slow payer",
        "custom_fields": {"po_number": "PO-1", "renewal": "2027-01-01", "credit_rating": "C"}})
    contact = customer["contacts"][0]
    me = {"kind": "customer", "org_id": "org-1", "customer_id": customer["id"], "contact_id": contact["id"],
          "name": "Acme", "email": "pay@acme.test"}
    return customer, me


def test_the_profile_shows_addresses_visible_fields_and_own_contact(system, org):
    customer, me = org
    profile = system.customers.get_profile(me)
    assert profile["billing_address"]["city"] == "Springfield" and profile["shipping_address"] is None
    assert profile["custom_fields"] == {"po_number": "PO-1", "renewal": "2027-01-01"}  # no credit_rating
    assert [(d["key"], d["editable"]) for d in profile["custom_field_definitions"]] == \
        [("po_number", True), ("renewal", False)]
    assert profile["contact"]["email"] == "pay@acme.test" and profile["contact"]["first_name"] == "Acme"
    seen = system.customers.get_customer(me, customer["id"])
    assert "notes" not in seen and "credit_rating" not in seen["custom_fields"]


def test_editing_addresses_fields_and_contact_is_seen_by_staff_with_an_event(system, org):
    customer, me = org
    profile = system.customers.update_profile(me, {
        "billing_address": NEW_ADDRESS, "shipping_address": ADDRESS, "custom_fields": {"po_number": "PO-2"},
        "contact": {"first_name": "Wile", "last_name": "Coyote", "phone": "+1 555"}})
    assert profile["billing_address"]["city"] == "Shelbyville" and profile["contact"]["last_name"] == "Coyote"
    staff_view = system.customers.get_customer(STAFF, customer["id"])
    assert staff_view["billing_address"] == NEW_ADDRESS
    assert staff_view["custom_fields"]["po_number"] == "PO-2" and staff_view["custom_fields"]["credit_rating"] == "C"
    assert staff_view["contacts"][0]["name"] == "Wile Coyote"
    [event] = events_of(system, "customer_updated")
    changes = event["data"]["changes"]
    assert changes["billing_address"]["old"]["city"] == "Springfield"
    assert changes["billing_address"]["new"]["city"] == "Shelbyville"
    assert changes["shipping_address"]["old"] is None
    assert changes["custom_fields.po_number"] == {"old": "PO-1", "new": "PO-2", "label": "PO number"}
    assert changes["contact.first_name"] == {"old": "Acme", "new": "Wile", "label": "Contact first name"}
    assert changes["contact.phone"] == {"old": None, "new": "+1 555", "label": "Contact phone"}
    assert changes["billing_address"]["label"] == "Billing address"  # consumers show the label as it is
    assert event["actor"]["kind"] == "customer" and event["actor"]["contact_id"] == me["contact_id"]
    [contact_event] = events_of(system, "contact_updated")
    assert contact_event["data"]["contact"]["name"] == "Wile Coyote"


def test_saving_the_same_values_changes_nothing_and_tells_no_one(system, org):
    customer, me = org
    system.customers.update_profile(me, {"billing_address": ADDRESS, "custom_fields": {"po_number": "PO-1"}})
    system.customers.update_profile(me, {"contact": {"phone": "1"}})
    [event] = events_of(system, "customer_updated")
    assert list(event["data"]["changes"]) == ["contact.phone"]


@pytest.mark.parametrize("body, field", [
    ({"custom_fields": {"renewal": "2027-05-05"}}, "custom_fields.renewal"),           # shown, not editable
    ({"custom_fields": {"credit_rating": "A"}}, "custom_fields.credit_rating"),        # hidden: unknown
    ({"custom_fields": {"colour": "red"}}, "custom_fields.colour"),
    ({"custom_fields": {"po_number": 7}}, "custom_fields.po_number"),
    ({"billing_address": {"street": "x" * 301, "city": "a", "country": "b"}}, "billing_address.street"),
    ({"billing_address": {"city": "No street"}}, "billing_address.street"),
    ({"billing_address": "Main St 1"}, "billing_address"),
    ({"contact": {"first_name": ""}}, "contact.first_name"),
    ({"contact": {"email": "new@acme.test"}}, "contact.email"),
    ({"contact": {"phone": 12345}}, "contact.phone"),
    ({"notes": "I pay on time"}, "notes"),
    ({"display_name": "Evil"}, "display_name"),
])
def test_bad_or_forbidden_input_is_422_and_changes_nothing(system, org, body, field):
    customer, me = org
    before = system.customers.get_customer(STAFF, customer["id"])
    with pytest.raises(Invalid) as err:
        system.customers.update_profile(me, dict(body, shipping_address=ADDRESS))
    assert field in err.value.fields
    assert system.customers.get_customer(STAFF, customer["id"]) == before


def test_a_body_that_is_not_an_object_is_refused(system, org):
    _, me = org
    with pytest.raises(Invalid) as err:
        system.customers.update_profile(me, ["billing_address"])
    assert err.value.code == "invalid_body"


def test_editing_turned_off_is_403_and_reading_still_works(system, org):
    customer, me = org
    FEATURES["org-1"] = {"profile_edit": False}
    with pytest.raises(Forbidden) as err:
        system.customers.update_profile(me, {"billing_address": NEW_ADDRESS})
    assert err.value.code == "profile_edit_disabled"
    assert system.customers.get_profile(me)["billing_address"]["city"] == "Springfield"


def test_no_answer_from_the_portal_means_no_edit(system):
    # the portal is not running: whether editing is allowed is unknown, so nothing is changed
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme", "email": "pay@acme.test",
                                                        "billing_address": ADDRESS})
    me = {"kind": "customer", "org_id": "org-1", "customer_id": customer["id"],
          "contact_id": customer["contacts"][0]["id"]}
    with pytest.raises(ServiceUnavailable):
        system.customers.update_profile(me, {"billing_address": NEW_ADDRESS})
    assert system.customers.get_customer(STAFF, customer["id"])["billing_address"]["city"] == "Springfield"


def test_staff_and_other_customers_have_no_profile(system, org):
    customer, me = org
    with pytest.raises(Forbidden):
        system.customers.get_profile(STAFF)
    with pytest.raises(Forbidden):
        system.customers.update_profile(STAFF, {"billing_address": NEW_ADDRESS})
    other = system.customers.create_customer(STAFF, {"display_name": "Other", "email": "o@other.test"})
    # a forged actor for a contact of another customer: the contact must be its own customer's
    forged = dict(me, contact_id=other["contacts"][0]["id"])
    with pytest.raises(NotFound):
        system.customers.get_profile(forged)
    with pytest.raises(NotFound):
        system.customers.update_profile(forged, {"billing_address": NEW_ADDRESS})
    stranger = dict(me, org_id="org-2")
    FEATURES["org-2"] = {"profile_edit": True}
    with pytest.raises(NotFound):
        system.customers.update_profile(stranger, {"billing_address": NEW_ADDRESS})
    assert system.customers.get_customer(STAFF, customer["id"])["billing_address"]["city"] == "Springfield"
    assert system.customers.get_customer(STAFF, other["id"])["billing_address"] is None
