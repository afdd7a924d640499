import pytest

from portico_kit.errors import Conflict, Invalid

from portal import names

ACME = {"kind": "staff", "org_id": "org-acme", "user_id": "u1", "name": "Olive", "org_name": "Acme Design Ltd"}
ACME_TOO = {"kind": "staff", "org_id": "org-acme2", "user_id": "u2", "name": "Al", "org_name": "Acme Design Ltd"}


def test_defaults_come_from_the_organization_name_and_stay_unique(system):
    portal = system["portal"]
    first = portal.get_preferences(ACME)
    second = portal.get_preferences(ACME_TOO)
    assert first["portal_name"] == "acme-design-ltd"
    assert second["portal_name"] == "acme-design-ltd-2"
    assert first["portal_url"].endswith("/portal/acme-design-ltd")
    assert first["reviews_enabled"] is False and first["notify_staff_on_activity"] is True


def test_saving_every_preference_at_once(system):
    portal = system["portal"]
    saved = portal.update_preferences(ACME, {
        "portal_name": "acme", "banner_message": "Closed on Friday", "notify_staff_on_activity": False,
        "allow_forwarding": True, "notify_customer_on_comment": False, "reviews_enabled": True,
        "show_projects": True, "allow_profile_edit": True, "portal_url": "ignored"})
    assert saved == portal.get_preferences(ACME)
    assert saved["portal_url"].endswith("/portal/acme") and saved["banner_message"] == "Closed on Friday"
    assert all(saved[f] for f in ("allow_forwarding", "reviews_enabled", "show_projects", "allow_profile_edit"))


@pytest.mark.parametrize("bad", ["ab", "Has Space", "-dash", "dash-", "a--b", "admin", "x" * 64, "ümlaut", ""])
def test_invalid_portal_names_are_refused_with_the_reason(system, bad):
    portal = system["portal"]
    before = portal.get_preferences(ACME)
    with pytest.raises(Invalid) as err:
        portal.update_preferences(ACME, {"portal_name": bad, "banner_message": "changed"})
    assert err.value.code == "invalid_portal_name" and err.value.fields["portal_name"]
    assert portal.get_preferences(ACME) == before  # nothing saved, not even the banner


def test_a_name_taken_by_another_organization_is_a_conflict(system):
    portal = system["portal"]
    portal.update_preferences(ACME, {"portal_name": "shared-name"})
    with pytest.raises(Conflict) as err:
        portal.update_preferences(ACME_TOO, {"portal_name": "Shared-Name"})
    assert err.value.code == "portal_name_taken"


def test_flags_must_be_booleans(system):
    with pytest.raises(Invalid) as err:
        system["portal"].update_preferences(ACME, {"reviews_enabled": "yes", "colour": "red"})
    assert set(err.value.fields) == {"reviews_enabled", "colour"}


def test_derive_handles_accents_short_and_reserved_names():
    assert names.derive("Müller & Söhne GmbH") == "muller-sohne-gmbh"
    assert names.problem(names.derive("AB")) is None
    assert names.problem(names.derive("Admin")) is None
    assert names.problem(names.derive("!!!")) is None
