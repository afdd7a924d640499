"""Email templates over the real broker: list, save (checked), preview, reset, isolation."""
import pytest

from portico_kit.errors import Forbidden, Invalid, NotFound

from notifications.defaults import DEFAULTS
from notifications.kinds import EDITABLE

KINDS = {"portal_invitation", "password_reset", "invoice_sent", "quote_sent", "comment_notification",
         "portal_activity", "document_forwarded", "review_request", "statement", "payment_receipt", "payment_refunded",
         "autopay_failed", "card_expiring"}


def test_every_kind_is_listed_with_its_default(system, org):
    listed = system.notifications.list_templates(org.staff)
    assert {t["kind"] for t in listed["items"]} == KINDS == set(EDITABLE) and listed["total"] == len(KINDS)
    for item in listed["items"]:
        assert item["subject"] == DEFAULTS[item["kind"]]["subject"] and item["customized"] is False
        assert item["label"] and item["recipients"] and item["placeholders"]
    review = system.notifications.get_template(org.staff, "review_request")
    assert {"review_url", "customer.name", "organization.name"} <= {p["name"] for p in review["placeholders"]}
    assert review["required"] == ["review_url"] and review["default"] == DEFAULTS["review_request"]


def test_unknown_and_internal_kinds_are_not_found(system, org):
    for kind in ("nope", "staff_password_reset", "../etc"):
        with pytest.raises(NotFound) as err:
            system.notifications.get_template(org.staff, kind)
        assert err.value.code == "template_not_found"
    with pytest.raises(NotFound):
        system.notifications.update_template(org.staff, "staff_password_reset", {"subject": "x", "body": "y"})


def test_save_preview_and_reset(system, org):
    saved = system.notifications.update_template(org.staff, "review_request", {
        "subject": "  {{ customer.name }}: how did {{ organization.name }} do?  ",
        "body": "Hi {{ recipient.name|upper }},\n\n{{ review_url }}"})
    assert saved["customized"] is True and saved["updated_at"]
    assert saved["subject"] == "{{ customer.name }}: how did {{ organization.name }} do?"
    assert system.notifications.get_template(org.staff, "review_request")["body"].startswith("Hi {{ recipient")

    preview = system.notifications.preview_template(org.staff, "review_request", {})
    assert preview["subject"] == f"Bob's Bikes: how did {org.name} do?"  # sample data, real business name
    assert preview["text"].startswith("Hi BOB BAKER,") and "/reviews/sample-request" in preview["text"]
    portal = org.prefs["portal_url"]  # the organization's own portal, not an invented one
    assert f'<a href="{portal}/reviews/sample-request">' in preview["html"]
    draft = system.notifications.preview_template(org.staff, "review_request", {"subject": "Draft {{ review_url }}"})
    assert draft["subject"] == f"Draft {portal}/reviews/sample-request"
    assert system.notifications.get_template(org.staff, "review_request")["subject"].startswith("{{ customer")

    reset = system.notifications.reset_template(org.staff, "review_request")
    assert reset["customized"] is False and reset["subject"] == DEFAULTS["review_request"]["subject"]
    assert system.notifications.get_template(org.staff, "review_request")["customized"] is False
    assert system.notifications.reset_template(org.staff, "review_request")["customized"] is False  # twice: fine


@pytest.mark.parametrize("body, field_message", [
    ("Hello\n{{ customer.name }\n{{ review_url }}", "Line 2: unexpected '}'"),
    ("{{ review_url }}\n\n{{ customer.nmae }}", "Line 3: Unknown placeholder: customer.nmae."),
    ("{{ review_url }}\n{{ ''.__class__.__mro__ }}", "Line 2: Not allowed: access to attribute '__class__' of "
                                                     "'str' object is unsafe."),
    ("{{ review_url }}\n{% for x in customer.name %}{{ x }}{% endfor %}",
     "Line 2: Loops ({% for %}) cannot be used in email templates."),
    ("{{ review_url }}{{ customer.name.upper() }}",
     "Line 1: Function calls (use a filter such as |upper instead) cannot be used in email templates."),
    ("{{ review_url }}{{ customer.name * 100000 }}",
     "Line 1: Not allowed: '*' only works on numbers in email templates."),
    ("{{ review_url }}{{ customer.name|center(100000000) }}", "Line 1: No filter named 'center'."),
    ("{{ review_url }}\n{% include 'x' %}", "Line 2: Includes cannot be used in email templates."),
    ("{{ document.number }} {{ review_url }}", "Line 1: Unknown placeholder: document."),
    ("Thanks, bye!", "The body must contain {{ review_url }}: without that link the email is of no use."),
    ("", "Must not be blank."),
])
def test_an_invalid_template_is_refused_with_the_line_and_nothing_is_saved(system, org, body, field_message):
    with pytest.raises(Invalid) as err:
        system.notifications.update_template(org.staff, "review_request", {"subject": "Hi", "body": body})
    assert err.value.code in ("invalid_template", "validation_failed")
    assert err.value.fields["body"] == field_message
    with pytest.raises(Invalid):
        system.notifications.preview_template(org.staff, "review_request", {"body": body or " "})
    assert system.notifications.get_template(org.staff, "review_request")["customized"] is False


def test_subject_errors_name_the_subject(system, org):
    with pytest.raises(Invalid) as err:
        system.notifications.update_template(org.staff, "portal_invitation",
                                             {"subject": "{{ organization.name", "body": "{{ invite_url }}"})
    assert set(err.value.fields) == {"subject"} and err.value.fields["subject"].startswith("Line 1:")
    assert "line 1 of the subject" in err.value.message


def test_bad_bodies_are_refused(system, org):
    with pytest.raises(Invalid) as err:
        system.notifications.update_template(org.staff, "review_request", {"subject": "Hi"})
    assert err.value.fields == {"body": "Missing data for required field."}
    with pytest.raises(Invalid) as err:
        system.notifications.update_template(org.staff, "review_request",
                                             {"subject": "Hi", "body": "{{ review_url }}", "colour": "red"})
    assert "colour" in err.value.fields
    with pytest.raises(Invalid) as err:
        system.notifications.update_template(org.staff, "review_request", {"subject": "x" * 1001, "body": "x"})
    assert "subject" in err.value.fields
    with pytest.raises(Invalid):
        system.notifications.update_template(org.staff, "review_request", "not an object")
    # a GET body can be PUT back as it is
    current = system.notifications.get_template(org.staff, "quote_sent")
    assert system.notifications.update_template(org.staff, "quote_sent", current)["customized"] is True


def test_templates_belong_to_one_organization_and_only_staff_edit_them(system, org):
    from .conftest import Org
    other = Org(system, "Other Co")
    system.notifications.update_template(org.staff, "invoice_sent", {"subject": "Mine {{ document.number }}",
                                                                      "body": "{{ document.url }}"})
    assert system.notifications.get_template(other.staff, "invoice_sent")["customized"] is False
    system.notifications.reset_template(other.staff, "invoice_sent")
    assert system.notifications.get_template(org.staff, "invoice_sent")["customized"] is True
    customer_actor = {"kind": "customer", "org_id": org.id, "customer_id": "c", "contact_id": "k"}
    for call in (lambda: system.notifications.list_templates(customer_actor),
                 lambda: system.notifications.update_template(customer_actor, "invoice_sent", {"subject": "x",
                                                                                               "body": "y"})):
        with pytest.raises(Forbidden):
            call()


def test_a_preview_speaks_in_the_organizations_currency_and_name(system, org):
    system.accounts.update_organization(org.staff, {"currency": "USD", "email": "billing@acme.test"})
    staff = dict(org.staff, org_currency="USD")  # what authenticate says after the change
    preview = system.notifications.preview_template(staff, "invoice_sent", {})
    assert "$1,250.00" in preview["text"] and "EUR" not in preview["text"] and "€" not in preview["text"]
    assert org.name in preview["text"] and org.prefs["portal_url"] in preview["text"]
    assert "acme-design" not in preview["text"].replace(org.prefs["portal_url"], "")
