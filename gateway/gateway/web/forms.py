"""Turning service errors into form errors next to their fields."""
from portico_kit.errors import ServiceError

from ..error_text import localized


def field_errors(exc: ServiceError):
    """{field: message} in the reader's language where the catalogs have it (error_text, as the API
    answers; a text they lack stays as the service wrote it); a top-level message goes under "_form"."""
    message, fields = localized(exc.status, exc.message, exc.fields, general=False)
    errors = dict(fields or {})
    if not errors or exc.code not in ("validation_failed",):
        errors.setdefault("_form", message)
    return errors


def checkbox(form, name):
    return form.get(name) in ("on", "true", "1", "yes")


def optional(form, name):
    """A blank text input means "not given", not an empty string to validate."""
    value = (form.get(name) or "").strip()
    return value or None
