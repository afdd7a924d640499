"""Projects and time entries; customers read them only when the portal shows projects."""
import pytest

from portico_kit.errors import Forbidden, Invalid, NotFound

HOURLY = {"customer_id": "cust-1", "name": "Website", "billing_method": "hourly", "hourly_rate": "80.00",
          "budget_hours": "40"}


def test_project_hours_logged_billed_unbilled(system):
    project = system.billing.create_project(system.staff, HOURLY)
    assert project["customer_name"] == "Bob's Bikes" and project["hourly_rate"] == "80.00"
    assert project["fixed_cost"] is None and project["budget_hours"] == "40" and project["logged_hours"] == "0"
    add = lambda **e: system.billing.add_time_entry(system.staff, project["id"], dict(  # noqa: E731
        {"date": "2026-11-02", "hours": "1.5", "billable": True}, **e))
    first = add()
    add(hours="2.25", billed=True)
    add(hours="3", billable=False, description="Internal")
    got = system.billing.get_project(system.staff, project["id"])
    assert (got["logged_hours"], got["billed_hours"], got["unbilled_hours"]) == ("6.75", "2.25", "1.5")
    system.billing.update_time_entry(system.staff, project["id"], first["id"], {"billed": True})
    assert system.billing.get_project(system.staff, project["id"])["unbilled_hours"] == "0"
    system.billing.delete_time_entry(system.staff, project["id"], first["id"])
    entries = system.billing.list_time_entries(system.staff, project["id"])
    assert [e["hours"] for e in entries] == ["2.25", "3"]
    with pytest.raises(NotFound):
        system.billing.delete_time_entry(system.staff, project["id"], first["id"])


@pytest.mark.parametrize("entry, field", [
    ({"date": "2026-11-02", "hours": "0", "billable": True}, "hours"),
    ({"date": "2026-11-02", "hours": "24.01", "billable": True}, "hours"),
    ({"date": "2026-11-02", "hours": "1", "billable": "yes"}, "billable"),
    ({"date": "2026-11-02", "hours": "1"}, "billable"),
    ({"hours": "1", "billable": True}, "date"),
])
def test_time_entry_validation(system, entry, field):
    project = system.billing.create_project(system.staff, HOURLY)
    with pytest.raises(Invalid) as err:
        system.billing.add_time_entry(system.staff, project["id"], entry)
    assert field in err.value.fields


def test_billing_method_needs_its_rate(system):
    with pytest.raises(Invalid) as err:
        system.billing.create_project(system.staff, dict(HOURLY, hourly_rate=None))
    assert "hourly_rate" in err.value.fields
    with pytest.raises(Invalid) as err:
        system.billing.create_project(system.staff, dict(HOURLY, billing_method="fixed_cost"))
    assert "fixed_cost" in err.value.fields
    with pytest.raises(Invalid) as err:
        system.billing.create_project(system.staff, dict(HOURLY, customer_id="nobody"))
    assert err.value.code == "unknown_customer"
    project = system.billing.create_project(system.staff, HOURLY)
    with pytest.raises(Invalid):
        system.billing.update_project(system.staff, project["id"], {"billing_method": "fixed_cost"})
    fixed = system.billing.update_project(system.staff, project["id"],
                                          {"billing_method": "fixed_cost", "fixed_cost": "5000.00", "name": "Shop"})
    assert (fixed["billing_method"], fixed["fixed_cost"], fixed["name"]) == ("fixed_cost", "5000.00", "Shop")


def test_customers_read_their_own_projects_unless_hidden(system):
    mine = system.billing.create_project(system.staff, HOURLY)
    theirs = system.billing.create_project(system.staff, dict(HOURLY, customer_id="cust-2"))
    assert [p["id"] for p in system.billing.list_projects(system.me)["items"]] == [mine["id"]]
    assert system.billing.get_project(system.me, mine["id"])["id"] == mine["id"]
    assert system.billing.list_time_entries(system.me, mine["id"]) == []
    with pytest.raises(NotFound):
        system.billing.get_project(system.me, theirs["id"])
    with pytest.raises(Forbidden):
        system.billing.add_time_entry(system.me, mine["id"], {"date": "2026-11-02", "hours": "1", "billable": True})
    with pytest.raises(Forbidden):
        system.billing.create_project(system.me, HOURLY)
    system.state["features"]["org-1"] = {"projects": False}
    for call in (lambda: system.billing.list_projects(system.me),
                 lambda: system.billing.get_project(system.me, mine["id"]),
                 lambda: system.billing.list_time_entries(system.me, mine["id"])):
        with pytest.raises(Forbidden) as err:
            call()
        assert err.value.code == "projects_hidden"
    assert system.billing.list_projects(system.staff, customer_id="cust-2")["total"] == 1
    with pytest.raises(NotFound):
        system.billing.get_project(system.other_staff, mine["id"])
    with pytest.raises(NotFound):
        system.billing.add_time_entry(system.other_staff, mine["id"], {"date": "2026-11-02", "hours": "1",
                                                                       "billable": True})
