"""Events customers publishes (through its outbox). It consumes none yet."""
CUSTOMER_CREATED = "customer_created"
CUSTOMER_UPDATED = "customer_updated"
CUSTOMER_DELETED = "customer_deleted"
CONTACT_CREATED = "contact_created"
CONTACT_UPDATED = "contact_updated"
CONTACT_DELETED = "contact_deleted"


def customer_ref(customer):
    """The customer on every event; `language` lets the portal and notifications speak it."""
    return {"id": customer.id, "display_name": customer.display_name, "language": customer.language}


def changes_between(before, after):
    """{field: {"old": ..., "new": ...}} for every field whose value changed."""
    return {key: {"old": before.get(key), "new": after.get(key)}
            for key in after if before.get(key) != after.get(key)}


def field_label(name):
    """How people name a changed field: "Billing address", "Contact phone", "Cost centre"."""
    section, _, field = str(name).partition(".")
    if section == "contact" and field:
        return "Contact " + field.replace("_", " ")
    if section == "custom_fields" and field:
        return field.replace("_", " ").capitalize()
    return str(name).replace("_", " ").capitalize()


def labelled(changes):
    """`customer_updated`'s changes, each with the `label` people read (a custom field keeps its own),
    so whoever shows the event needs no knowledge of the customer's fields."""
    return {name: dict(change, label=change.get("label") or field_label(name)) for name, change in changes.items()}
