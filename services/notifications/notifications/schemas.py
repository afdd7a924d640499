from marshmallow import fields, validate

from portico_kit.timeutil import iso
from portico_kit.validation import StrictSchema, refuse_control_characters

from .rendering import MAX_BODY_TEMPLATE, MAX_SUBJECT_TEMPLATE


def _template_text(limit, required):
    return fields.String(required=required, validate=[validate.Length(max=limit), refuse_control_characters],
                         error_messages={"required": "Missing data for required field."})


class TemplateSchema(StrictSchema):
    subject = _template_text(MAX_SUBJECT_TEMPLATE, True)
    body = _template_text(MAX_BODY_TEMPLATE, True)
    # read-only fields of GET, accepted so a GET body can be PUT back, then ignored
    kind = fields.Raw(load_only=True, allow_none=True)
    label = fields.Raw(load_only=True, allow_none=True)
    recipients = fields.Raw(load_only=True, allow_none=True)
    customized = fields.Raw(load_only=True, allow_none=True)
    updated_at = fields.Raw(load_only=True, allow_none=True)
    placeholders = fields.Raw(load_only=True, allow_none=True)
    required_placeholders = fields.Raw(load_only=True, allow_none=True, data_key="required")
    default = fields.Raw(load_only=True, allow_none=True)


class PreviewSchema(StrictSchema):
    subject = _template_text(MAX_SUBJECT_TEMPLATE, False)
    body = _template_text(MAX_BODY_TEMPLATE, False)


def message_dict(message):
    return {
        "id": message.id, "kind": message.kind, "to": message.to_email, "to_name": message.to_name,
        "subject": message.subject, "status": "queued" if message.status == "sending" else message.status,
        "attempts": message.attempts, "last_error": message.last_error,
        "created_at": iso(message.created_at), "sent_at": iso(message.sent_at),
        "last_attempt_at": iso(message.last_attempt_at),
        "next_attempt_at": iso(message.next_attempt_at) if message.status == "queued" else None,
    }
