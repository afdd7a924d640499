import logging

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import org_of, public, require_staff
from portico_kit.db import Database
from portico_kit.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin
from portico_kit.pagination import paginate
from portico_kit.rpc import TimedRpcProxy, rpc
from portico_kit.validation import load

from . import events
from .custom_fields import clean_values, merged, value_changes
from .definitions import DefinitionsMixin
from .errors import combine
from .models import ContactPerson, Customer, OutboxEvent
from .profile import ProfileMixin
from .schemas import ContactSchema, CustomerSchema, contact_dict, customer_dict, documents_sentence

log = logging.getLogger(__name__)

EDITABLE = ("display_name", "company_name", "email", "phone", "website", "currency", "language", "tax_id",
            "billing_address", "shipping_address", "notes")


def creation_key(actor, idempotency_key):
    """The key as stored: per staff user, so two people of one organization never share one."""
    if idempotency_key is None:
        return None
    if not isinstance(idempotency_key, str) or not idempotency_key.strip() or len(idempotency_key) > 255:
        raise Invalid(code="invalid_idempotency_key", message="The Idempotency-Key must be 1-255 characters.",
                      fields={"Idempotency-Key": "1-255 characters."})
    return f"{actor.get('user_id') or ''}:{idempotency_key.strip()}"


class CustomersService(HealthMixin, OutboxRelayMixin, DefinitionsMixin, ProfileMixin):
    name = "customers"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)
    billing = TimedRpcProxy("billing")
    portal = TimedRpcProxy("portal")

    # -- customers -----------------------------------------------------------------------------

    @rpc
    def create_customer(self, actor, data, idempotency_key=None):
        """With `idempotency_key` (the client's Idempotency-Key): a retry by the same staff user
        with the same key returns the customer the first call made, also when the first answer was
        lost on the way (a broker restart, a timeout), so a retried create never makes two."""
        org_id = require_staff(actor)
        key = creation_key(actor, idempotency_key)
        if key is not None:
            existing = self._created_with(org_id, key)
            if existing is not None:
                return existing
        data, values = self._load_customer(org_id, data)
        data.setdefault("currency", actor.get("org_currency") or "USD")
        customer = Customer(org_id=org_id, custom_fields=merged({}, values), creation_key=key, **data)
        self.db.add(customer)
        if customer.email:  # the customer's email is its primary contact's (as in Zoho)
            customer.contacts.append(ContactPerson(
                org_id=org_id, first_name=customer.display_name, email=customer.email,
                phone=customer.phone, is_primary=True))
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            existing = self._created_with(org_id, key) if key is not None else None
            if existing is None:
                raise
            return existing  # the same key at the same moment: the other call made it
        self.events(events.CUSTOMER_CREATED, {"customer": customer_dict(customer)}, actor=public(actor))
        self.db.commit()
        return customer_dict(customer)

    def _created_with(self, org_id, key):
        customer = self.db.scalar(select(Customer).where(Customer.org_id == org_id, Customer.creation_key == key))
        result = customer_dict(customer) if customer is not None else None
        self.db.commit()
        return result

    @rpc
    def get_customer(self, actor, customer_id):
        customer = self._customer(actor, customer_id)
        result = customer_dict(customer, audience=actor["kind"])
        if actor["kind"] == "customer":  # only the values of fields shown in the portal
            shown = {d.key for d in self._definitions(customer.org_id) if d.show_in_portal}
            result["custom_fields"] = {k: v for k, v in result["custom_fields"].items() if k in shown}
        return result

    @rpc
    def list_customers(self, actor, search=None, page=1, per_page=50):
        org_id = require_staff(actor)
        query = select(Customer).where(Customer.org_id == org_id)
        if search:
            # what people type is text, not a LIKE pattern: "50%" or "a_b" match literally
            term = str(search).strip().lower()[:200]
            term = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{term}%"
            query = query.where(or_(*(getattr(Customer, col).ilike(pattern, escape="\\")
                                      for col in ("display_name", "company_name", "email"))))
        query = query.order_by(Customer.display_name, Customer.id)
        return paginate(self.db, query, customer_dict, page, per_page)

    @rpc
    def update_customer(self, actor, customer_id, data):
        require_staff(actor)
        customer = self._customer(actor, customer_id)
        data, values = self._load_customer(customer.org_id, data, partial=True)
        before = {key: getattr(customer, key) for key in EDITABLE}
        before_values = dict(customer.custom_fields or {})
        for key, value in data.items():
            setattr(customer, key, value)
        customer.custom_fields = merged(before_values, values)
        if customer.email != before["email"]:
            self._sync_primary_email(customer)
        after = {key: getattr(customer, key) for key in EDITABLE}
        changes = events.changes_between(before, after)
        changes.update(value_changes(before_values, customer.custom_fields,
                                     self._definitions_by_key(customer.org_id)))
        self._flush_contacts()
        if changes:
            self.events(events.CUSTOMER_UPDATED, {"customer": events.customer_ref(customer),
                                                  "changes": events.labelled(changes)}, actor=public(actor))
        self.db.commit()
        return customer_dict(customer)

    @rpc
    def delete_customer(self, actor, customer_id):
        """Only a customer without documents: billing is asked, and if it cannot answer, nothing
        is deleted (a customer's invoices must never lose their customer)."""
        require_staff(actor)
        name = self._customer(actor, customer_id).display_name
        self.db.commit()  # release the connection while billing answers
        try:
            counts = self.billing.count_customer_documents(actor, customer_id)
        except Exception as exc:  # down, timed out, or failing: refuse rather than delete
            log.warning("delete_customer: billing could not count documents: %r", exc)
            raise ServiceUnavailable(
                code="service_unavailable",
                message="Could not check whether this customer has invoices, quotes or payments, so it "
                        "was not deleted. Please try again shortly.")
        held = documents_sentence(counts)
        if held:
            raise Conflict(code="customer_has_documents",
                           message=f"{name} has {held}, so it cannot be deleted. A customer with "
                                   "documents stays in the customer book.")
        customer = self._customer(actor, customer_id)
        ref = events.customer_ref(customer)
        self.db.delete(customer)
        self.events(events.CUSTOMER_DELETED, {"customer": ref}, actor=public(actor))
        self.db.commit()
        return {"deleted": True, "id": customer_id}

    # -- contact persons -----------------------------------------------------------------------

    @rpc
    def list_contacts(self, actor, customer_id):
        return [contact_dict(c) for c in self._customer(actor, customer_id).contacts]

    @rpc
    def create_contact(self, actor, customer_id, data):
        require_staff(actor)
        customer = self._customer(actor, customer_id)
        data = load(ContactSchema(), data)
        contact = ContactPerson(org_id=customer.org_id, **data)
        customer.contacts.append(contact)
        if contact.is_primary or len(customer.contacts) == 1:
            self._make_primary(customer, contact)
        self._flush_contacts()
        self.events(events.CONTACT_CREATED, {"customer": events.customer_ref(customer),
                                             "contact": contact_dict(contact)}, actor=public(actor))
        self.db.commit()
        return contact_dict(contact)

    @rpc
    def update_contact(self, actor, customer_id, contact_id, data):
        require_staff(actor)
        customer = self._customer(actor, customer_id)
        contact = self._contact(customer, contact_id)
        data = load(ContactSchema(), data, partial=True)
        if data.get("is_primary") is False and contact.is_primary:
            raise Invalid(code="primary_required", message="Make another contact primary instead.",
                          fields={"is_primary": "A customer always has one primary contact."})
        for key, value in data.items():
            setattr(contact, key, value)
        if data.get("is_primary"):
            self._make_primary(customer, contact)
        elif contact.is_primary and "email" in data:
            customer.email = contact.email
        self._flush_contacts()
        self.events(events.CONTACT_UPDATED, {"customer": events.customer_ref(customer),
                                             "contact": contact_dict(contact)}, actor=public(actor))
        self.db.commit()
        return contact_dict(contact)

    @rpc
    def delete_contact(self, actor, customer_id, contact_id):
        require_staff(actor)
        customer = self._customer(actor, customer_id)
        contact = self._contact(customer, contact_id)
        customer.contacts.remove(contact)
        if contact.is_primary:
            if customer.contacts:
                self._make_primary(customer, customer.contacts[0])
            else:
                customer.email = None
        self.events(events.CONTACT_DELETED, {"customer": events.customer_ref(customer),
                                             "contact": contact_dict(contact)}, actor=public(actor))
        self.db.commit()
        return {"deleted": True, "id": contact_id}

    @rpc
    def ensure_contact(self, actor, customer_id, data):
        """The contact person with this email, added if the customer has none (forwarding adds the
        person a customer forwards a document to). A customer may do this for itself only."""
        customer = self._customer(actor, customer_id)
        data = load(ContactSchema(), data)
        if not data.get("email"):
            raise Invalid(message="An email is required.", fields={"email": "Required."})
        existing = next((c for c in customer.contacts if c.email == data["email"]), None)
        if existing is not None:
            return dict(contact_dict(existing), created=False)
        data.pop("is_primary", None)
        contact = ContactPerson(org_id=customer.org_id, added_by="forwarding", **data)
        customer.contacts.append(contact)
        if len(customer.contacts) == 1:
            self._make_primary(customer, contact)
        self._flush_contacts()
        self.events(events.CONTACT_CREATED, {"customer": events.customer_ref(customer),
                                             "contact": contact_dict(contact)}, actor=public(actor))
        self.db.commit()
        return dict(contact_dict(contact), created=True)

    @rpc
    def portal_recipients(self, actor, customer_id, contact_ids=None):
        """Contacts to invite to the portal: those with an email (optionally only `contact_ids`).

        Without `contact_ids`, contacts added by forwarding are left out: reading one forwarded
        document must never turn into an invitation to the whole portal.

        A customer email that no contact carries becomes the primary contact first, so every
        portal login belongs to a contact person.
        """
        require_staff(actor)
        customer = self._customer(actor, customer_id)
        if customer.email and not any(c.email == customer.email for c in customer.contacts):
            self._sync_primary_email(customer)
            self._flush_contacts()
            self.db.commit()
        contacts = customer.contacts
        if contact_ids:
            known = {c.id for c in contacts}
            unknown = [cid for cid in contact_ids if cid not in known]
            if unknown:
                raise Invalid(code="unknown_contacts", message="Some contacts are not this customer's.",
                              fields={"contact_ids": f"Unknown: {', '.join(map(str, unknown))}"})
            contacts = [c for c in contacts if c.id in set(contact_ids)]
        else:
            contacts = [c for c in contacts if c.added_by != "forwarding"]
        return {"customer": {"id": customer.id, "display_name": customer.display_name,
                             "language": customer.language},
                "contacts": [contact_dict(c) for c in contacts if c.email]}

    # -- helpers -------------------------------------------------------------------------------

    def _load_customer(self, org_id, data, partial=False):
        """(fields, custom field values) from the input, or one 422 naming every problem."""
        raw = dict(data) if isinstance(data, dict) else data
        values = raw.pop("custom_fields", None) if isinstance(raw, dict) else None
        definitions = self._definitions_by_key(org_id)
        schema = CustomerSchema()
        # top-level fields only: a nested address is always whole (street, city, country)
        return combine(lambda: load(schema, raw, partial=tuple(schema.fields) if partial else False),
                       lambda: clean_values(definitions, values))

    def _customer(self, actor, customer_id):
        org_id = org_of(actor)
        customer = self.db.get(Customer, str(customer_id))
        # another organization's customer, or another customer's, is simply not there
        if (customer is None or customer.org_id != org_id
                or (actor["kind"] == "customer" and actor.get("customer_id") != customer.id)):
            raise NotFound(code="customer_not_found", message="Customer not found.")
        return customer

    @staticmethod
    def _contact(customer, contact_id):
        for contact in customer.contacts:
            if contact.id == contact_id:
                return contact
        raise NotFound(code="contact_not_found", message="Contact person not found.")

    @staticmethod
    def _make_primary(customer, contact):
        for other in customer.contacts:
            other.is_primary = other is contact
        customer.email = contact.email

    def _sync_primary_email(self, customer):
        """The customer's email changed: it is the primary contact's email."""
        primary = next((c for c in customer.contacts if c.is_primary), None)
        if customer.email and any(c.email == customer.email and c is not primary
                                  for c in customer.contacts):
            self._make_primary(customer, next(c for c in customer.contacts if c.email == customer.email))
        elif primary is not None:
            primary.email = customer.email
        elif customer.email:
            customer.contacts.append(ContactPerson(org_id=customer.org_id, first_name=customer.display_name,
                                                   email=customer.email, phone=customer.phone,
                                                   is_primary=True))

    def _flush_contacts(self):
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            raise Conflict(code="contact_email_taken",
                           message="Another contact person of this customer has that email.",
                           fields={"email": "Already used by another contact of this customer."})
