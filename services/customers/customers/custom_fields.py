"""Custom fields: the organization's definitions, and checking a customer's values against them.

Values are stored on the customer as `{key: value}` in JSON types: text and dropdown a string,
number a JSON number, date a `YYYY-MM-DD` string. `null` clears a value. Only the keys sent are
checked, so a value saved before its dropdown option was removed stays until someone changes it.
"""
import datetime
import math
import re

from marshmallow import ValidationError, fields, validate

from portico_kit.errors import Invalid
from portico_kit.timeutil import iso
from portico_kit.validation import StrictBoolean, StrictSchema, text

TYPES = ("text", "number", "date", "dropdown")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_FIELDS = 50
MAX_OPTIONS = 100
TEXT_MAX = 1000


def _options_field():
    return fields.List(text(100, allow_blank=False), validate=validate.Length(max=MAX_OPTIONS))


class DefinitionSchema(StrictSchema):
    key = text(50, required=True, validate_also=[validate.Regexp(
        KEY_PATTERN, error="Use lowercase letters, digits and _ , starting with a letter (e.g. po_number).")])
    label = text(100, required=True, allow_blank=False)
    type = fields.String(required=True, validate=validate.OneOf(TYPES, error=f"One of: {', '.join(TYPES)}."))
    options = _options_field()
    show_in_portal = StrictBoolean()
    editable_in_portal = StrictBoolean()


class DefinitionUpdateSchema(StrictSchema):
    """The key and the type never change: stored values were checked against them."""
    label = text(100, allow_blank=False)
    options = _options_field()
    show_in_portal = StrictBoolean()
    editable_in_portal = StrictBoolean()


def check_definition(type_, options, show_in_portal, editable_in_portal):
    """The rules between fields of a definition: {field: message}."""
    problems = {}
    if type_ == "dropdown":
        if not options:
            problems["options"] = "A dropdown needs at least one option."
        elif len(set(options)) != len(options):
            problems["options"] = "Options must differ from each other."
    elif options:
        problems["options"] = "Only a dropdown has options."
    if editable_in_portal and not show_in_portal:
        problems["editable_in_portal"] = "Only a field shown in the portal can be edited there."
    return problems


def definition_dict(definition):
    return {
        "key": definition.key, "label": definition.label, "type": definition.type,
        "options": list(definition.options or []), "show_in_portal": definition.show_in_portal,
        "editable_in_portal": definition.editable_in_portal,
        "created_at": iso(definition.created_at), "updated_at": iso(definition.updated_at),
    }


def clean_value(definition, value):
    """The value to store, or ValidationError with a message for people."""
    if value is None:
        return None
    if definition.type in ("text", "dropdown"):
        if not isinstance(value, str):
            raise ValidationError("Must be text.")
        value = value.strip()
        if len(value) > TEXT_MAX:
            raise ValidationError(f"Longer than maximum length {TEXT_MAX}.")
        if definition.type == "dropdown" and value and value not in (definition.options or []):
            raise ValidationError(f"Choose one of: {', '.join(definition.options or [])}.")
        return value or None
    if definition.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValidationError("Must be a number.")
        if abs(value) >= 1e15:
            raise ValidationError("Too large.")
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if definition.type == "date":
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValidationError("Must be a date as YYYY-MM-DD.")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError("Not a real date.")
        return value
    raise ValidationError("This field has an unknown type.")


def clean_values(definitions, values, allowed=None, refused_message=None):
    """Check `{key: value}` against the definitions (by key).

    `allowed` limits which keys may be set at all (a customer in the portal: the editable ones);
    a defined key outside it is refused with `refused_message`. Keys not defined (or hidden from
    this caller) are unknown. Raises Invalid naming each bad key as `custom_fields.<key>`.
    """
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise Invalid(message="custom_fields must be an object of {key: value}.",
                      fields={"custom_fields": "Must be an object of {key: value}."})
    cleaned, problems = {}, {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            problems[f"custom_fields.{key}"] = "Unknown custom field."
            continue
        if allowed is not None and key not in allowed:
            problems[f"custom_fields.{key}"] = refused_message
            continue
        try:
            cleaned[key] = clean_value(definition, value)
        except ValidationError as err:
            problems[f"custom_fields.{key}"] = " ".join(err.messages)
    if problems:
        raise Invalid(message="Some custom fields are invalid.", fields=problems)
    return cleaned


def merged(current, cleaned):
    """The customer's values after applying `cleaned` (None removes a value)."""
    result = dict(current or {})
    for key, value in cleaned.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def value_changes(before, after, definitions=None):
    """{"custom_fields.<key>": {old, new, label?}} for each value that changed; the label (from
    `definitions` by key) lets staff read "PO number" in emails rather than the key."""
    before, after, definitions = before or {}, after or {}, definitions or {}
    changes = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changes[f"custom_fields.{key}"] = {"old": before.get(key), "new": after.get(key)}
            if key in definitions:
                changes[f"custom_fields.{key}"]["label"] = definitions[key].label
    return changes
