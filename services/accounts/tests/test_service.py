"""accounts over the real broker: signup, login, tokens, the organization, isolation."""
import pytest
from sqlalchemy import create_engine, text

from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized
from portico_kit.security import verify_password

from accounts.service import MAX_FAILURES, AccountsService


@pytest.fixture
def accounts(start_service, rpc_client):
    _, config = start_service(AccountsService, "accounts")
    proxy = rpc_client("accounts")
    proxy.database_url = config["DATABASE_URL"]  # for the tests that look at what was stored
    return proxy


def signup(accounts, email="owner@acme.test", org="Acme Ltd"):
    return accounts.signup({"organization_name": org, "name": "Olive Owner", "email": email,
                            "password": "correct horse"})


def test_signup_returns_org_user_and_a_working_token(accounts):
    result = signup(accounts)
    assert result["organization"]["name"] == "Acme Ltd"
    assert result["user"]["email"] == "owner@acme.test"
    actor = accounts.authenticate(result["token"])
    assert actor["kind"] == "staff"
    assert actor["org_id"] == result["organization"]["id"]
    assert actor["org_name"] == "Acme Ltd"


def test_signup_twice_with_one_email_is_a_conflict(accounts):
    signup(accounts)
    with pytest.raises(Conflict) as err:
        signup(accounts, email="OWNER@acme.test ")
    assert err.value.code == "email_taken"


def test_signup_validates_every_field(accounts):
    with pytest.raises(Invalid) as err:
        accounts.signup({"organization_name": "", "name": "x" * 500, "email": "not-an-email",
                         "password": "short"})
    assert set(err.value.fields) == {"organization_name", "name", "email", "password"}


def test_unknown_fields_are_refused(accounts):
    with pytest.raises(Invalid) as err:
        accounts.signup({"organization_name": "A", "name": "B", "email": "a@b.test",
                         "password": "long enough", "role": "admin"})
    assert "role" in err.value.fields


def test_login_checks_the_password_and_hashes_it(accounts):
    signup(accounts)
    token = accounts.login({"email": "Owner@Acme.test", "password": "correct horse"})["token"]
    assert accounts.authenticate(token)["email"] == "owner@acme.test"
    with pytest.raises(Unauthorized) as err:
        accounts.login({"email": "owner@acme.test", "password": "wrong horse"})
    assert err.value.code == "invalid_credentials"
    with pytest.raises(Unauthorized):
        accounts.login({"email": "nobody@acme.test", "password": "correct horse"})
    engine = create_engine(accounts.database_url)
    with engine.connect() as db:  # what is stored is an Argon2 hash of it, never the password
        [stored] = db.execute(text("SELECT password_hash FROM users WHERE email = 'owner@acme.test'")).scalars()
    engine.dispose()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert verify_password(stored, "correct horse") and not verify_password(stored, "wrong horse")


def test_repeated_failures_are_rate_limited(accounts):
    signup(accounts)
    for _ in range(MAX_FAILURES):
        with pytest.raises(Unauthorized):
            accounts.login({"email": "owner@acme.test", "password": "guess"})
    with pytest.raises(TooManyRequests):
        accounts.login({"email": "owner@acme.test", "password": "correct horse"})


def test_bad_and_revoked_tokens_are_refused(accounts):
    token = signup(accounts)["token"]
    with pytest.raises(Unauthorized):
        accounts.authenticate("made-up")
    accounts.logout(token)
    with pytest.raises(Unauthorized):
        accounts.authenticate(token)


def test_organization_profile_is_read_and_patched_by_its_own_staff_only(accounts):
    first = signup(accounts)
    second = signup(accounts, email="boss@other.test", org="Other Co")
    actor = accounts.authenticate(first["token"])
    org = accounts.update_organization(actor, {"phone": "+49 30 1234", "currency": "EUR",
                                               "timezone": "Europe/Berlin"})
    assert (org["phone"], org["currency"], org["timezone"]) == ("+49 30 1234", "EUR", "Europe/Berlin")
    other = accounts.get_organization(accounts.authenticate(second["token"]))
    assert other["name"] == "Other Co" and other["phone"] is None
    with pytest.raises(Invalid) as err:
        accounts.update_organization(actor, {"currency": "EURO", "timezone": "Mars/Base"})
    assert set(err.value.fields) == {"currency", "timezone"}
    assert accounts.get_organization(actor)["currency"] == "EUR"
    with pytest.raises(Invalid) as err:  # an address is whole or absent, never half of one
        accounts.update_organization(actor, {"address": {"street": "Hauptstr. 5", "city": "Berlin"}})
    assert set(err.value.fields) == {"address.country"}
    assert accounts.get_organization(actor)["address"] is None


def test_the_other_ways_to_pay_are_kept_and_read_by_the_organizations_customers(accounts):
    owner = signup(accounts, email="ways@acme.test", org="Ways Co")
    actor = accounts.authenticate(owner["token"])
    text = "Bank transfer: IBAN DE02 1203 0000 0000 2020 51\nCheques to Ways Co"
    assert accounts.update_organization(actor, {"payment_instructions": f"  {text}  "})["payment_instructions"] == text
    customer = {"kind": "customer", "org_id": actor["org_id"], "customer_id": "cu-1", "contact_id": "ct-1",
                "name": "Bob"}
    assert accounts.get_letterhead(customer)["payment_instructions"] == text
    with pytest.raises(Invalid) as err:
        accounts.update_organization(actor, {"payment_instructions": "x" * 2001})
    assert set(err.value.fields) == {"payment_instructions"}
    assert accounts.update_organization(actor, {"payment_instructions": None})["payment_instructions"] is None


def test_the_letterhead_is_readable_by_the_organizations_customers_only(accounts):
    owner = signup(accounts, email="letters@acme.test", org="Letterhead Co")
    actor = accounts.authenticate(owner["token"])
    accounts.update_organization(actor, {"phone": "+49 30 999"})
    customer = {"kind": "customer", "org_id": actor["org_id"], "customer_id": "cu-1", "contact_id": "ct-1",
                "name": "Bob"}
    letterhead = accounts.get_letterhead(customer)
    assert {k: letterhead[k] for k in ("name", "phone", "address", "tax_id", "tax_label", "language", "country",
                                       "logo_url")} == {
        "name": "Letterhead Co", "phone": "+49 30 999", "address": None, "tax_id": None, "tax_label": None,
        "language": "en", "country": None, "logo_url": None}
    with pytest.raises(NotFound):
        accounts.get_letterhead(dict(customer, org_id="no-such-org"))
    with pytest.raises(Forbidden):
        accounts.get_organization(customer)  # the whole profile stays with staff


def test_languages_and_tax_identity(accounts):
    """The organization's language is the default; a staff user may choose their own; the tax
    identity is kept for documents; the actor carries what pages need to speak and format."""
    owner = signup(accounts, email="sprachen@acme.test", org="Sprachen GmbH")
    actor = accounts.authenticate(owner["token"])
    assert (actor["language"], actor["org_language"], actor["org_country"]) == ("en", "en", None)
    org = accounts.update_organization(actor, {"language": "de", "tax_id": "DE123456789", "tax_label": "USt-IdNr.",
                                               "address": {"street": "Hauptstr. 1", "city": "Berlin", "zip": "10115",
                                                           "country": "DE"}})
    assert (org["language"], org["tax_id"], org["tax_label"]) == ("de", "DE123456789", "USt-IdNr.")
    actor = accounts.authenticate(owner["token"])
    assert (actor["language"], actor["org_country"]) == ("de", "DE")
    assert accounts.get_letterhead(actor)["tax_id"] == "DE123456789"

    assert accounts.update_profile(actor, {"language": "ar"})["language"] == "ar"
    assert accounts.authenticate(owner["token"])["language"] == "ar"
    assert accounts.update_profile(actor, {"language": None})["language"] is None
    assert accounts.authenticate(owner["token"])["language"] == "de"
    with pytest.raises(Invalid) as err:
        accounts.update_organization(actor, {"language": "xx"})
    assert "language" in err.value.fields
