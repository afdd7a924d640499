"""Turning service errors into form errors next to their fields."""
from portico_kit.errors import ServiceError


def field_errors(exc: ServiceError):
    """{field: message}; a top-level message goes under "_form"."""
    errors = dict(exc.fields or {})
    if not errors or exc.code not in ("validation_failed",):
        errors.setdefault("_form", exc.message)
    return errors


def checkbox(form, name):
    return form.get(name) in ("on", "true", "1", "yes")


def optional(form, name):
    """A blank text input means "not given", not an empty string to validate."""
    value = (form.get(name) or "").strip()
    return value or None
