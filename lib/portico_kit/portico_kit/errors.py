"""Errors that cross the RPC boundary with their HTTP meaning.

Registered with `deserialize_to_instance`, so the caller (the gateway or another service) gets the
same class back with `code`, `message` and `fields`, and maps it by `status` without importing any
service's code. Anything else a service raises reaches the caller as a `RemoteError` and is treated
as an internal error.
"""
from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class ServiceError(Exception):
    status = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, code=None, message=None, fields=None, retry_after=None):
        code = code or self.code
        message = message or self.message
        # nameko stringifies None when serializing args ("None"): always pass a dict
        fields = fields if isinstance(fields, dict) else {}
        # seconds until a rate-limited call may succeed (the gateway's Retry-After); a string
        # across the wire, like every argument nameko serializes
        retry_after = _seconds(retry_after)
        super().__init__(code, message, fields, "" if retry_after is None else str(retry_after))
        self.code, self.message, self.fields, self.retry_after = code, message, fields, retry_after

    def __str__(self):
        return f"{self.code}: {self.message}"

    def to_dict(self):
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


def _seconds(value):
    try:
        return max(1, int(float(value)))
    except (TypeError, ValueError):
        return None


@deserialize_to_instance
class BadRequest(ServiceError):
    status, code, message = 400, "bad_request", "The request is malformed."


@deserialize_to_instance
class Unauthorized(ServiceError):
    status, code, message = 401, "unauthorized", "Sign in first."


@deserialize_to_instance
class PaymentRequired(ServiceError):
    status, code, message = 402, "payment_failed", "The payment did not go through."


@deserialize_to_instance
class Forbidden(ServiceError):
    status, code, message = 403, "forbidden", "You are not allowed to do that."


@deserialize_to_instance
class NotFound(ServiceError):
    status, code, message = 404, "not_found", "Not found."


@deserialize_to_instance
class Conflict(ServiceError):
    status, code, message = 409, "conflict", "That conflicts with the current state."


@deserialize_to_instance
class Gone(ServiceError):
    status, code, message = 410, "gone", "This is no longer available."


@deserialize_to_instance
class Invalid(ServiceError):
    status, code, message = 422, "validation_failed", "Some fields are invalid."


@deserialize_to_instance
class TooManyRequests(ServiceError):
    status, code, message = 429, "rate_limited", "Too many attempts; try again later."


@deserialize_to_instance
class ServiceUnavailable(ServiceError):
    status, code, message = 503, "service_unavailable", "A service is not available right now; try again shortly."


@deserialize_to_instance
class ServiceTimeout(ServiceError):
    status, code, message = 504, "service_timeout", "A service took too long to answer; try again shortly."
