"""Comments on documents by staff and by the customer."""
import pytest

from portico_kit.errors import Invalid, NotFound

from .conftest import events_of, new_invoice, new_quote


def test_staff_and_customer_comment_on_a_sent_invoice(system):
    invoice = new_invoice(system)
    staff_comment = system.billing.add_comment(system.staff, "invoice", invoice["id"], {"text": "  Thanks!  "})
    mine = system.billing.add_comment(system.me, "invoice", invoice["id"], {"text": "Paying Friday."})
    assert staff_comment["text"] == "Thanks!" and staff_comment["author"] == {"kind": "staff", "name": "Olive Owner"}
    assert mine["author"] == {"kind": "customer", "name": "Bob Baker"}
    listed = system.billing.list_comments(system.me, "invoice", invoice["id"])
    assert [c["id"] for c in listed] == [staff_comment["id"], mine["id"]]
    [first, second] = events_of(system.received, "comment_added", count=2)
    assert second["data"] == {
        "document": {"type": "invoice", "id": invoice["id"], "number": invoice["number"], "customer_id": "cust-1",
                     "total": "1190.00", "currency": "EUR", "status": "sent"},
        "comment": mine, "customer": {"id": "cust-1", "display_name": "Bob's Bikes"}}
    assert second["actor"]["kind"] == "customer" and first["actor"]["kind"] == "staff"


def test_a_comment_retried_with_the_same_key_is_posted_once(system):
    """Its first answer may be lost after billing posted it: the retry with the client's
    Idempotency-Key answers that comment (no second comment, no second event, so no second email)."""
    invoice = new_invoice(system)
    first = system.billing.add_comment(system.me, "invoice", invoice["id"], {"text": "Paying Friday."}, "c-1")
    again = system.billing.add_comment(system.me, "invoice", invoice["id"], {"text": "Paying Friday."}, "c-1")
    assert again == first
    staff = system.billing.add_comment(system.staff, "invoice", invoice["id"], {"text": "Thanks"}, "c-1")  # another author
    unkeyed = system.billing.add_comment(system.me, "invoice", invoice["id"], {"text": "Paying Friday."})
    listed = system.billing.list_comments(system.me, "invoice", invoice["id"])
    assert [c["id"] for c in listed] == [first["id"], staff["id"], unkeyed["id"]]
    assert len(events_of(system.received, "comment_added", count=3)) == 3


def test_comment_rules(system):
    quote = new_quote(system)
    draft = new_quote(system, send=False)
    for text in ("", "   ", "x" * 5001):
        with pytest.raises(Invalid):
            system.billing.add_comment(system.me, "quote", quote["id"], {"text": text})
    with pytest.raises(Invalid):
        system.billing.add_comment(system.me, "quote", quote["id"], {"text": "hi", "extra": 1})
    with pytest.raises(Invalid) as err:
        system.billing.add_comment(system.me, "receipt", quote["id"], {"text": "hi"})
    assert err.value.code == "invalid_doc_type"
    with pytest.raises(NotFound):
        system.billing.add_comment(system.me, "quote", draft["id"], {"text": "hi"})
    with pytest.raises(NotFound):
        system.billing.list_comments(system.neighbour, "quote", quote["id"])
    with pytest.raises(NotFound):
        system.billing.add_comment(system.me, "invoice", quote["id"], {"text": "wrong type"})
    assert system.billing.add_comment(system.staff, "quote", draft["id"], {"text": "internal"})["text"] == "internal"
    system.billing.add_comment(system.staff, "quote", quote["id"], {"text": "public"})
    [event] = events_of(system.received, "comment_added")  # none for the draft's note
    assert event["data"]["comment"]["text"] == "public"
