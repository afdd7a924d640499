"""Every error leaves as the API's JSON format on API paths, or as a page everywhere else.

Never a stack trace; a remote error we do not know becomes a logged 500 `internal_error`.
"""
import logging
import re

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portico_kit.errors import ServiceError
from portico_kit.i18n import N_

from .error_text import localized, reader_language, translate

log = logging.getLogger(__name__)
API_PATH = re.compile(r"^/(api|portal/[^/]+/api|webhooks)(/|$)")
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "payload_too_large",
         414: "uri_too_long", 415: "unsupported_media_type", 422: "validation_failed", 429: "rate_limited",
         431: "headers_too_large",
         500: "internal_error", 503: "service_unavailable", 504: "service_timeout"}


class ApiError(ServiceError):
    """Raised by the gateway itself (malformed JSON, missing credentials ...)."""

    def __init__(self, status, code, message, fields=None):
        super().__init__(code, message, fields)
        self.status = status


def is_api_request():
    return bool(API_PATH.match(request.path))


def json_error(status, code, message, fields=None):
    """The API's error body; `message` and `fields` in the reader's language (error_text), `code` as it is."""
    message, fields = localized(status, message, fields)
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    response.headers["Content-Language"] = reader_language()
    return response


def page_error(status, title, message):
    return render_template("errors/error.html", status=status, title=translate(title),
                           message=localized(status, message)[0]), status


def register(app):
    @app.errorhandler(ServiceError)
    def service_error(exc):
        if exc.status >= 500:
            log.warning("%s %s -> %s %s", request.method, request.path, exc.status, exc.code)
        if is_api_request():
            response = json_error(exc.status, exc.code, exc.message, exc.fields)
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="portico"'
        else:
            response = page_error(exc.status, _title(exc.status), exc.message)
        return _retry_after(response, exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if is_api_request():
            return json_error(400, "csrf_failed", "The form's security token is missing or expired.")
        return page_error(400, N_("Please try again"),
                          N_("The form expired or was sent from elsewhere. Go back, reload and submit again."))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        status = exc.code or 500
        if is_api_request():
            message = exc.description if status != 404 else "There is nothing at this address."
            return json_error(status, CODES.get(status, "error"), message)
        return page_error(status, _title(status), exc.description if status != 404 else
                          "There is nothing at this address.")

    @app.errorhandler(Exception)
    def unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return json_error(500, "internal_error", "Something went wrong on our side; it has been logged.")
        return page_error(500, N_("Something went wrong"), N_("It has been logged. Please try again shortly."))


def _retry_after(response, exc):
    """A rate-limited answer says when to come back (RFC 9110 Retry-After, in seconds)."""
    seconds = getattr(exc, "retry_after", None)
    if not seconds:
        return response
    if isinstance(response, tuple):
        body, status = response
        return body, status, {"Retry-After": str(seconds)}
    response.headers["Retry-After"] = str(seconds)
    return response


def _title(status):
    return {400: N_("Bad request"), 401: N_("Please sign in"), 403: N_("Not allowed"), 404: N_("Not found"),
            409: N_("Conflict"), 410: N_("No longer available"), 422: N_("Please check your input"),
            429: N_("Too many attempts"), 503: N_("Temporarily unavailable"),
            504: N_("Taking too long")}.get(status, N_("Something went wrong"))
