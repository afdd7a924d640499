"""Who receives what (contexts.plan) as a unit, with the other services' answers given."""
from portico_kit.messaging import make_envelope

from notifications import contexts

from . import payloads

CUSTOMER = {"id": "cu-1", "display_name": "Bob's Bikes", "email": "bob@bikes.test",
            "contacts": [{"id": "k1", "name": "Bob Baker", "email": "bob@bikes.test", "is_primary": True},
                         {"id": "k2", "name": "Carl Clerk", "email": "carl@bikes.test", "is_primary": False}]}
CUSTOMER_ACTOR = {"kind": "customer", "org_id": "o1", "customer_id": "cu-1", "contact_id": "k1",
                  "name": "Bob Baker", "email": "bob@bikes.test"}
STAFF_ACTOR = {"kind": "staff", "org_id": "o1", "user_id": "u1", "name": "Olive Owner"}


class FakeLookup:
    public_url = "https://portico.example"

    def __init__(self, access=None, customer=CUSTOMER, **prefs):
        self.access = access or {"enabled": False, "contacts": []}
        self.the_customer = customer
        self.prefs = dict({"portal_url": "https://portico.example/portal/acme", "notify_staff_on_activity": True,
                           "notify_customer_on_comment": True}, **prefs)

    def organization(self, org_id, fallback_name=None):
        return {"id": org_id, "name": "Acme", "email": "hello@acme.test", "phone": None}

    def preferences(self, org_id, org_name=None):
        return self.prefs

    def staff(self, org_id):
        return [{"id": "u1", "name": "Olive Owner", "email": "olive@acme.test"},
                {"id": "u2", "name": "Sam Staff", "email": "Sam@Acme.test"}]

    def portal_access(self, org_id, customer_id):
        return self.access

    def customer(self, org_id, customer_id):
        return self.the_customer

    def branding(self, org_id):
        return {"attach_pdf_to_emails": False}


def plan(event_type, data, lookup, actor=None):
    return contexts.plan(make_envelope(event_type, data, actor=actor, org_id="o1"), lookup)


def to(mails):
    return [(m.kind, m.to_email) for m in mails]


def test_customer_notices_go_to_portal_contacts_who_can_sign_in():
    access = {"enabled": True, "contacts": [
        {"contact_id": "k1", "email": "bob@bikes.test", "name": "Bob Baker", "status": "active"},
        {"contact_id": "k2", "email": "carl@bikes.test", "name": "Carl Clerk", "status": "invited"},
        {"contact_id": "k3", "email": "old@bikes.test", "name": "Old", "status": "not_invited"}]}
    mails = plan("invoice_sent", payloads.invoice_sent(CUSTOMER, id="inv-9"), FakeLookup(access))
    assert to(mails) == [("invoice_sent", "bob@bikes.test"), ("invoice_sent", "carl@bikes.test")]
    context = mails[1].context
    assert context["portal_enabled"] is True and context["recipient"]["name"] == "Carl Clerk"
    assert context["document"]["url"] == "https://portico.example/portal/acme/invoices/inv-9"
    assert context["customer"]["name"] == context["customer"]["display_name"] == "Bob's Bikes"
    assert mails[0].from_name == "Acme" and mails[0].reply_to == "hello@acme.test"


def test_without_portal_the_customer_email_then_the_primary_contact():
    mails = plan("quote_sent", payloads.quote_sent(CUSTOMER), FakeLookup())
    assert to(mails) == [("quote_sent", "bob@bikes.test")] and mails[0].context["portal_enabled"] is False
    no_email = dict(CUSTOMER, email=None)
    no_email["contacts"] = [dict(CUSTOMER["contacts"][1], is_primary=True)]
    assert to(plan("quote_sent", payloads.quote_sent(CUSTOMER), FakeLookup(customer=no_email))) == [
        ("quote_sent", "carl@bikes.test")]
    nobody = dict(CUSTOMER, email=None, contacts=[])
    assert plan("quote_sent", payloads.quote_sent(CUSTOMER), FakeLookup(customer=nobody)) == []
    assert plan("quote_sent", payloads.quote_sent(CUSTOMER), FakeLookup(customer=None)) == []  # deleted


def test_activity_goes_to_every_staff_member_only_for_the_customers_own_actions():
    lookup = FakeLookup()
    mails = plan("quote_accepted", payloads.quote_accepted(CUSTOMER, number="QT-1"), lookup, CUSTOMER_ACTOR)
    assert to(mails) == [("portal_activity", "olive@acme.test"), ("portal_activity", "sam@acme.test")]
    assert mails[1].context["staff"]["name"] == "Sam Staff" and mails[0].from_name is None
    assert mails[0].context["customer"]["url"] == "https://portico.example/app/customers/cu-1"
    quote_id = mails[0].context["document"]["id"]
    assert mails[0].context["document"]["staff_url"] == f"https://portico.example/app/quotes/{quote_id}"
    assert plan("quote_accepted", payloads.quote_accepted(CUSTOMER), lookup, STAFF_ACTOR) == []
    assert plan("payment_recorded", payloads.payment_recorded(CUSTOMER, source="staff"), lookup, STAFF_ACTOR) == []
    assert plan("customer_updated", payloads.customer_updated(CUSTOMER), lookup, STAFF_ACTOR) == []
    staff_comment = payloads.comment_added(CUSTOMER, "hi", "staff", "Olive Owner")
    assert {m.kind for m in plan("comment_added", staff_comment, lookup, STAFF_ACTOR)} == {"comment_notification"}
    customer_comment = payloads.comment_added(CUSTOMER, "hi", "customer", "Bob Baker")
    assert {m.kind for m in plan("comment_added", customer_comment, lookup, CUSTOMER_ACTOR)} == {"portal_activity"}


def test_switches_off_mean_no_email():
    off = FakeLookup(notify_staff_on_activity=False, notify_customer_on_comment=False)
    assert plan("review_submitted", payloads.review_submitted(CUSTOMER), off, CUSTOMER_ACTOR) == []
    assert plan("comment_added", payloads.comment_added(CUSTOMER, "x", "staff", "O"), off, STAFF_ACTOR) == []
    assert plan("comment_added", payloads.comment_added(CUSTOMER, "x", "customer", "B"), off, CUSTOMER_ACTOR) == []


def test_a_forwarded_document_carries_only_the_view_link():
    data = payloads.document_forwarded(CUSTOMER, email="Carla@Partner.test")
    [mail] = plan("document_forwarded", data, FakeLookup(), CUSTOMER_ACTOR)
    assert (mail.kind, mail.to_email) == ("document_forwarded", "carla@partner.test")
    assert mail.context["document"]["url"] == mail.context["view_url"] == data["view_url"]
    assert "portal_url" not in mail.context and mail.context["sender"]["name"] == "Bob Baker"


def test_review_request_and_resets():
    [mail] = plan("review_requested", payloads.review_requested(CUSTOMER, "bob@bikes.test"), FakeLookup())
    assert mail.kind == "review_request" and mail.context["review_url"].endswith(
        "/reviews/" + mail.context["review_url"].rsplit("/", 1)[1])
    org = type("O", (), {"id": "o1", "name": "Acme"})()
    [staff] = plan("staff_password_reset_requested", payloads.staff_password_reset(org, "Olive@Acme.test"),
                   FakeLookup())
    assert (staff.kind, staff.to_email, staff.from_name, staff.reply_to) == (
        "staff_password_reset", "olive@acme.test", None, None)
    assert plan("something_else", {}, FakeLookup()) == []


def test_changed_fields_read_as_labels_in_the_activity_email():
    changes = {"custom_fields.po_number": {"old": "PO-1", "new": "PO-2", "label": "PO number"},
               "custom_fields.cost_centre": {"old": None, "new": "42", "label": "Cost centre"},
               "contact.phone": {"old": None, "new": "+49 30 1", "label": "Contact phone"},
               "website": {"old": None, "new": "https://bikes.test"}}  # an older event, without a label
    [mail, _] = plan("customer_updated", payloads.customer_updated(CUSTOMER, changes), FakeLookup(), CUSTOMER_ACTOR)
    details = mail.context["activity"]["details"]
    assert "PO number: PO-2" in details and "Cost centre: 42" in details and "Contact phone: +49 30 1" in details
    assert "website: https://bikes.test" in details
