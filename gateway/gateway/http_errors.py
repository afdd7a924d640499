"""The errors gunicorn answers itself (before the app sees the request: a request line or headers
too long, a malformed request) in the API's JSON error format rather than its HTML page.

The request was not parsed, so whether it was an API path is unknown: every such answer is JSON,
which a page visitor (who never sends these) does not meet. Installed by gunicorn_conf.py.
"""
import json

from gunicorn import util

CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
         431: "headers_too_large", 500: "internal_error", 501: "not_implemented"}
MESSAGES = {414: "The address is too long.", 431: "The request's headers are too large.",
            500: "Something went wrong on our side; it has been logged."}


def error_response(status, reason):
    """The raw HTTP/1.1 response for `status`: JSON, closed after it."""
    body = json.dumps({"error": {"code": CODES.get(status, "bad_request"),
                                 "message": MESSAGES.get(status, "The request is malformed.")}})
    return (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n{body}").encode()


def write_error(sock, status_int, reason, mesg):
    util.write_nonblock(sock, error_response(status_int, reason))


def install():
    util.write_error = write_error
