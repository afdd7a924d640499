"""A customer's own view and edit of its details in the portal (DESIGN.md flow 5).

Mixed into CustomersService. The customer sees its addresses, the custom fields shown in the
portal and its own contact details; it may change them only while the organization allows it
(portal preference `allow_profile_edit`, asked of the portal service on every write).
"""
from marshmallow import fields

from portico_kit.actors import public, require_customer
from portico_kit.errors import Forbidden, NotFound
from portico_kit.rpc import rpc
from portico_kit.schemas import AddressSchema, language
from portico_kit.validation import StrictSchema, load, text

from . import events
from .custom_fields import clean_values, merged, value_changes
from .errors import combine
from .schemas import contact_dict

CONTACT_FIELDS = ("first_name", "last_name", "phone", "language")
ADDRESS_FIELDS = ("billing_address", "shipping_address")
# any of these may be left out; an address given is always whole (street, city, country)
PARTIAL = ADDRESS_FIELDS + ("contact",) + tuple(f"contact.{name}" for name in CONTACT_FIELDS)


class ProfileContactSchema(StrictSchema):
    first_name = text(100, allow_blank=False)
    last_name = text(100, allow_none=True)
    phone = text(50, allow_none=True)
    language = language(allow_none=True)  # the contact's own; allowed even when editing is turned off


class ProfileSchema(StrictSchema):
    billing_address = fields.Nested(AddressSchema, allow_none=True)
    shipping_address = fields.Nested(AddressSchema, allow_none=True)
    contact = fields.Nested(ProfileContactSchema)


def only_language(data):
    """The request changes nothing but the contact's own language."""
    return isinstance(data, dict) and set(data) == {"contact"} and isinstance(data["contact"], dict) \
        and set(data["contact"]) == {"language"}


def profile_dict(customer, contact, definitions):
    visible = [d for d in definitions if d.show_in_portal]
    values = customer.custom_fields or {}
    return {
        "billing_address": customer.billing_address,
        "shipping_address": customer.shipping_address,
        "custom_fields": {d.key: values[d.key] for d in visible if d.key in values},
        "contact": {"id": contact.id, "first_name": contact.first_name, "last_name": contact.last_name,
                    "phone": contact.phone, "email": contact.email, "language": contact.language},
        "customer": {"id": customer.id, "display_name": customer.display_name,
                     "company_name": customer.company_name, "tax_id": customer.tax_id},
        "custom_field_definitions": [
            {"key": d.key, "label": d.label, "type": d.type, "options": list(d.options or []),
             "editable": d.editable_in_portal} for d in visible],
    }


class ProfileMixin:

    @rpc
    def get_profile(self, actor):
        require_customer(actor)
        customer = self._customer(actor, actor["customer_id"])
        contact = self._contact(customer, actor.get("contact_id"))
        return profile_dict(customer, contact, self._definitions(customer.org_id))

    @rpc
    def update_profile(self, actor, data):
        require_customer(actor)
        if not only_language(data):  # a person's own language is theirs to choose, always
            self._require_profile_edit(actor)  # before the database: one connection per process
        customer = self._customer(actor, actor["customer_id"])
        contact = self._contact(customer, actor.get("contact_id"))
        definitions = self._definitions_by_key(customer.org_id)
        raw = dict(data) if isinstance(data, dict) else data
        values = raw.pop("custom_fields", None) if isinstance(raw, dict) else None
        visible = {k: d for k, d in definitions.items() if d.show_in_portal}
        editable = {k for k, d in visible.items() if d.editable_in_portal}
        data, values = combine(
            lambda: load(ProfileSchema(), raw, partial=PARTIAL),
            lambda: clean_values(visible, values, allowed=editable,
                                 refused_message="This field cannot be changed in the portal."))

        changes = {}
        for name in ADDRESS_FIELDS:
            if name in data and data[name] != getattr(customer, name):
                changes[name] = {"old": getattr(customer, name), "new": data[name]}
                setattr(customer, name, data[name])
        after_values = merged(customer.custom_fields, values)
        changes.update(value_changes(customer.custom_fields, after_values, definitions))
        customer.custom_fields = after_values
        contact_changed = False
        for name, value in (data.get("contact") or {}).items():
            if value != getattr(contact, name):
                changes[f"contact.{name}"] = {"old": getattr(contact, name), "new": value}
                setattr(contact, name, value)
                contact_changed = True

        if changes:
            self.events(events.CUSTOMER_UPDATED, {"customer": events.customer_ref(customer),
                                                  "changes": events.labelled(changes)}, actor=public(actor))
        if contact_changed:  # the portal keeps the contact's name on its login
            self.events(events.CONTACT_UPDATED, {"customer": events.customer_ref(customer),
                                                 "contact": contact_dict(contact)}, actor=public(actor))
        self.db.commit()
        return profile_dict(customer, contact, list(definitions.values()))

    def _require_profile_edit(self, actor):
        """The organization's switch, asked fresh; the portal down or slow is a 503/504 (nothing
        is changed on a guess)."""
        try:
            allowed = self.portal.get_features(actor).get("profile_edit")
        except NotFound:  # no portal preferences: nothing is allowed
            allowed = False
        if not allowed:
            raise Forbidden(code="profile_edit_disabled",
                            message="Editing your details in the portal is turned off. "
                                    "Please contact us to change them.")
