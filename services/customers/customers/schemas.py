from marshmallow import fields

from portico_kit.schemas import AddressSchema, currency, language
from portico_kit.timeutil import iso
from portico_kit.validation import EmailField, StrictBoolean, StrictSchema, text


class CustomerSchema(StrictSchema):
    display_name = text(200, required=True, allow_blank=False)
    company_name = text(200, allow_none=True)
    email = EmailField(allow_none=True)
    phone = text(50, allow_none=True)
    website = text(255, allow_none=True)
    currency = currency()
    language = language(allow_none=True)
    tax_id = text(50, allow_none=True)
    billing_address = fields.Nested(AddressSchema, allow_none=True)
    shipping_address = fields.Nested(AddressSchema, allow_none=True)
    notes = text(5000, allow_none=True)


class ContactSchema(StrictSchema):
    first_name = text(100, required=True, allow_blank=False)
    last_name = text(100, allow_none=True)
    email = EmailField(allow_none=True)
    phone = text(50, allow_none=True)
    language = language(allow_none=True)
    is_primary = StrictBoolean()


def contact_dict(contact):
    return {
        "id": contact.id, "customer_id": contact.customer_id, "first_name": contact.first_name,
        "last_name": contact.last_name, "email": contact.email, "phone": contact.phone,
        "language": contact.language, "is_primary": contact.is_primary, "name": contact_name(contact),
        "added_by": contact.added_by or "staff",
    }


def contact_name(contact):
    return " ".join(part for part in (contact.first_name, contact.last_name) if part)


STAFF_ONLY = ("notes",)


def customer_dict(customer, audience="staff"):
    """The customer as staff see it; a customer sees itself without staff-only fields."""
    result = {
        "id": customer.id, "display_name": customer.display_name,
        "company_name": customer.company_name, "email": customer.email, "phone": customer.phone,
        "website": customer.website, "currency": customer.currency, "language": customer.language,
        "tax_id": customer.tax_id,
        "billing_address": customer.billing_address, "shipping_address": customer.shipping_address,
        "notes": customer.notes, "custom_fields": customer.custom_fields or {},
        "contacts": [contact_dict(c) for c in customer.contacts],
        "created_at": iso(customer.created_at), "updated_at": iso(customer.updated_at),
    }
    if audience == "customer":
        for key in STAFF_ONLY:
            result.pop(key)
    return result


DOCUMENT_KINDS = (("invoices", "invoice"), ("quotes", "quote"), ("payments", "payment"), ("projects", "project"))


def documents_sentence(counts):
    """{"invoices": 2, "quotes": 1, ...} -> "2 invoices and 1 quote" ("" when there are none)."""
    parts = []
    for key, singular in DOCUMENT_KINDS:
        count = int((counts or {}).get(key) or 0)
        if count:
            parts.append(f"{count} {singular if count == 1 else key}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else ""
