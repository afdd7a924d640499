"""How people read the fields named in `customer_updated`'s `changes` (docs/events.md): a custom
field by its own label, "Contact phone", "Billing address". Shared by whoever shows the event."""


def field_label(name, change=None):
    if isinstance(change, dict) and change.get("label"):
        return str(change["label"])
    section, _, field = str(name).partition(".")
    if section == "contact" and field:
        return "Contact " + field.replace("_", " ")
    if section == "custom_fields" and field:
        return field.replace("_", " ").capitalize()
    return str(name).replace("_", " ").capitalize()
