"""Custom field definitions per organization, and customers' values checked against them."""
import pytest

from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound

from .conftest import events_of

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u-1", "name": "Olive"}
OTHER_ORG = {"kind": "staff", "org_id": "org-2", "user_id": "u-2", "name": "Mallory"}

FIELDS = [
    {"key": "po_number", "label": "PO number", "type": "text", "show_in_portal": True, "editable_in_portal": True},
    {"key": "seats", "label": "Seats", "type": "number"},
    {"key": "renewal", "label": "Renewal date", "type": "date", "show_in_portal": True},
    {"key": "tier", "label": "Tier", "type": "dropdown", "options": ["Gold", "Silver"]},
]


@pytest.fixture
def defined(system):
    return [system.customers.create_custom_field(STAFF, field) for field in FIELDS]


def test_definitions_are_listed_in_order_with_defaults(system, defined):
    listed = system.customers.list_custom_fields(STAFF)
    assert [f["key"] for f in listed] == ["po_number", "seats", "renewal", "tier"]
    seats = listed[1]
    assert (seats["type"], seats["options"], seats["show_in_portal"], seats["editable_in_portal"]) == \
        ("number", [], False, False)
    assert system.customers.list_custom_fields(OTHER_ORG) == []


@pytest.mark.parametrize("field, bad", [
    ({"key": "Bad Key", "label": "x", "type": "text"}, "key"),
    ({"key": "x" * 51, "label": "x", "type": "text"}, "key"),
    ({"key": "ok", "label": "", "type": "text"}, "label"),
    ({"key": "ok", "label": "x" * 101, "type": "text"}, "label"),
    ({"key": "ok", "label": "x", "type": "colour"}, "type"),
    ({"key": "ok", "label": "x", "type": "dropdown"}, "options"),
    ({"key": "ok", "label": "x", "type": "dropdown", "options": ["A", "A"]}, "options"),
    ({"key": "ok", "label": "x", "type": "text", "options": ["A"]}, "options"),
    ({"key": "ok", "label": "x", "type": "text", "editable_in_portal": True}, "editable_in_portal"),
    ({"key": "ok", "label": "x", "type": "text", "show_in_portal": "yes"}, "show_in_portal"),
    ({"key": "ok", "label": "x", "type": "text", "colour": "red"}, "colour"),
])
def test_bad_definitions_are_refused_and_nothing_is_saved(system, field, bad):
    with pytest.raises(Invalid) as err:
        system.customers.create_custom_field(STAFF, field)
    assert bad in err.value.fields
    assert system.customers.list_custom_fields(STAFF) == []


def test_a_key_is_unique_within_an_organization_only(system, defined):
    with pytest.raises(Conflict) as err:
        system.customers.create_custom_field(STAFF, {"key": "seats", "label": "Again", "type": "text"})
    assert err.value.code == "custom_field_key_taken"
    assert system.customers.create_custom_field(OTHER_ORG, {"key": "seats", "label": "S", "type": "text"})


def test_update_and_delete_definitions(system, defined):
    updated = system.customers.update_custom_field(STAFF, "tier", {"label": "Plan", "options": ["Gold", "Bronze"]})
    assert (updated["label"], updated["options"]) == ("Plan", ["Gold", "Bronze"])
    with pytest.raises(Invalid) as err:
        system.customers.update_custom_field(STAFF, "tier", {"type": "text"})
    assert err.value.code == "custom_field_fixed"
    with pytest.raises(Invalid):
        system.customers.update_custom_field(STAFF, "tier", {"options": []})
    hidden = system.customers.update_custom_field(STAFF, "po_number", {"show_in_portal": False})
    assert hidden["editable_in_portal"] is False  # what customers cannot see they cannot edit
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme", "custom_fields": {"seats": 3}})
    system.customers.delete_custom_field(STAFF, "seats")
    assert system.customers.get_customer(STAFF, customer["id"])["custom_fields"] == {}
    with pytest.raises(NotFound):
        system.customers.update_custom_field(STAFF, "seats", {"label": "x"})
    for call in (lambda: system.customers.update_custom_field(OTHER_ORG, "tier", {"label": "x"}),
                 lambda: system.customers.delete_custom_field(OTHER_ORG, "tier")):
        with pytest.raises(NotFound):
            call()
    assert system.customers.list_custom_fields(STAFF)[-1]["label"] == "Plan"


def test_only_staff_define_fields_and_customers_see_the_portal_ones(system, defined):
    me = {"kind": "customer", "org_id": "org-1", "customer_id": "c", "contact_id": "x"}
    with pytest.raises(Forbidden):
        system.customers.create_custom_field(me, {"key": "k", "label": "K", "type": "text"})
    assert [f["key"] for f in system.customers.list_custom_fields(me)] == ["po_number", "renewal"]


def test_values_are_checked_against_their_type(system, defined):
    good = {"po_number": " PO-1 ", "seats": 12, "renewal": "2027-02-28", "tier": "Gold"}
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme", "custom_fields": good})
    assert customer["custom_fields"] == {"po_number": "PO-1", "seats": 12, "renewal": "2027-02-28", "tier": "Gold"}
    bad = {"po_number": 5, "seats": "12", "renewal": "2027-02-30", "tier": "Platinum", "colour": "red"}
    with pytest.raises(Invalid) as err:
        system.customers.update_customer(STAFF, customer["id"], {"phone": "1", "custom_fields": bad})
    assert set(err.value.fields) == {f"custom_fields.{key}" for key in bad}
    assert err.value.fields["custom_fields.colour"] == "Unknown custom field."
    for value in (True, "x" * 1001, [1]):
        with pytest.raises(Invalid):
            system.customers.update_customer(STAFF, customer["id"], {"custom_fields": {"po_number": value}})
    with pytest.raises(Invalid):
        system.customers.update_customer(STAFF, customer["id"], {"custom_fields": ["seats"]})
    after = system.customers.get_customer(STAFF, customer["id"])
    assert after["custom_fields"] == customer["custom_fields"] and after["phone"] is None  # nothing changed
    with pytest.raises(Invalid):
        system.customers.create_customer(STAFF, {"display_name": "B", "custom_fields": {"seats": "many"}})
    assert system.customers.list_customers(STAFF)["total"] == 1


def test_value_changes_are_events_per_field_and_null_clears(system, defined):
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme", "custom_fields": {"seats": 2}})
    updated = system.customers.update_customer(STAFF, customer["id"], {"custom_fields": {"seats": None, "tier": "Silver"}})
    assert updated["custom_fields"] == {"tier": "Silver"}
    [event] = events_of(system, "customer_updated")
    assert event["data"]["changes"] == {"custom_fields.seats": {"old": 2, "new": None, "label": "Seats"},
                                        "custom_fields.tier": {"old": None, "new": "Silver", "label": "Tier"}}
    assert event["actor"]["kind"] == "staff"
