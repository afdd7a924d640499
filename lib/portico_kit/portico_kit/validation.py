"""Input validation with marshmallow, failing as the API's 422 error format."""
import re

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate  # noqa: F401

from .errors import Invalid


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped: a typo must not look like a save."""

    class Meta:
        unknown = RAISE


def flatten_messages(messages, prefix=""):
    """{'billing_address': {'city': ['Too long.']}} -> {'billing_address.city': 'Too long.'}"""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_schema"
            if isinstance(value, dict):
                flat.update(flatten_messages(value, name))
            elif isinstance(value, list):
                if value and isinstance(value[0], dict):
                    flat.update(flatten_messages(value[0], name))
                else:
                    flat[name] = " ".join(str(v) for v in value)
            else:
                flat[name] = str(value)
    else:
        flat[prefix or "_schema"] = " ".join(messages) if isinstance(messages, list) else str(messages)
    return flat


def load(schema, data, partial=False, message="Some fields are invalid."):
    """Validated input or an Invalid naming each bad field. `partial=True` (an update) lets any
    top-level field be left out, but a nested object that is given (an address, a line item) must
    still be whole: marshmallow's own partial=True would reach into it and accept half of one."""
    if not isinstance(data, dict):
        raise Invalid(code="invalid_body", message="Expected a JSON object.")
    if partial is True:
        partial = tuple(schema.fields)
    try:
        return schema.load(data, partial=partial)
    except ValidationError as err:
        raise Invalid(message=message, fields=flatten_messages(err.messages))


def text(max_length=255, required=False, allow_blank=True, validate_also=None, **kwargs):
    """A trimmed string with a length limit (oversized input is refused, never truncated)."""
    validators = [validate.Length(max=max_length)] + list(validate_also or [])
    if not allow_blank:
        validators.append(validate.Length(min=1, error="Must not be blank."))
    return TrimmedString(required=required, validate=validators, **kwargs)


# NUL and the other control characters (tab, newline and carriage return are text), and lone
# surrogates, which no database or mail header takes and no person types.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def refuse_control_characters(value):
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValidationError("Must not contain control characters.")


class TrimmedString(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        refuse_control_characters(result)
        return result.strip() if isinstance(result, str) else result


class EmailField(fields.Email):
    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=254))
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        refuse_control_characters(value)
        if isinstance(value, str):
            value = value.strip()
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.lower() if isinstance(result, str) else result


class StrictBoolean(fields.Boolean):
    """JSON true/false only: "yes", 1 or "on" are refused rather than guessed at."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


# Something a mail client or our own HTML part would turn into a link, or that reads as an address.
_LINKISH = re.compile(r"(://|www\.|[/\\@<>]|[a-z0-9-]{2,}\.(?:[a-z]{2,})(?![a-z]))", re.IGNORECASE)


def plain_name(value):
    """A person's name as other people will read it in an email we send: plain words only.

    A customer chooses the name of the person they forward a document to, and it appears in an
    email in the business's name: a URL or an address in it would be phishing with our signature."""
    if _LINKISH.search(value or ""):
        raise ValidationError("A name only: no web address, email address or link.")
