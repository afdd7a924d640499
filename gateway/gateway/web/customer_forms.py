"""Reading customer forms (staff and portal) into the customers service's input shapes.

Field names match the service's error keys (`billing_address.street`, `custom_fields.po_number`,
`contact.phone`), so its 422 lands next to the right input without translation.
"""
from decimal import Decimal, InvalidOperation

from .forms import optional

ADDRESS_PARTS = ("attention", "street", "street2", "city", "state", "zip", "country")


def address_from_form(form, prefix):
    """An address dict; None when every part is blank (no address). Blank optional parts are left
    out, blank required ones too, so the service names what is missing. "Same as the billing
    address" ticked: the shipping address is a copy of the billing one (its own lines are ignored)."""
    if prefix == "shipping_address" and form.get("shipping_address.same") == "1":
        return address_from_form(form, "billing_address")
    parts = {part: optional(form, f"{prefix}.{part}") for part in ADDRESS_PARTS}
    if not any(parts.values()):
        return None
    return {part: value for part, value in parts.items() if value is not None}


def custom_value_from_form(form, definition):
    """The typed value of one custom field input; blank is None (clears it). A number that does
    not parse is passed on as text, so the service refuses it with its message."""
    raw = optional(form, f"custom_fields.{definition['key']}")
    if raw is None or definition["type"] != "number":
        return raw
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return raw
    if not number.is_finite():
        return raw
    return int(number) if number == number.to_integral_value() else float(number)


def custom_values_from_form(form, definitions, current):
    """{key: value} for the fields whose input differs from the saved value: an unchanged value
    (say, a dropdown option since removed) is never re-validated just because the form was saved."""
    changed = {}
    for definition in definitions:
        value = custom_value_from_form(form, definition)
        if value != (current or {}).get(definition["key"]):
            changed[definition["key"]] = value
    return changed


def options_from_text(text):
    """Dropdown options typed one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def new_customer_extras(form, definitions):
    """What the new-customer form adds beyond name, company, email and phone: website, currency,
    addresses and custom field values (only those filled in)."""
    extras = {}
    for name in ("website", "currency"):
        if optional(form, name):
            extras[name] = optional(form, name).upper() if name == "currency" else optional(form, name)
    for prefix in ("billing_address", "shipping_address"):
        address = address_from_form(form, prefix)
        if address is not None:
            extras[prefix] = address
    values = custom_values_from_form(form, definitions, {})
    if values:
        extras["custom_fields"] = values
    return extras
