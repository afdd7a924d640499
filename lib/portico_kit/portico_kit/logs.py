"""Log lines that say which request they belong to: service, request id, org id, level.

Whoever handles a request binds its context (`bind(request_id=..., org_id=...)`): the gateway per
HTTP request, every service per RPC call or event (portico_kit.tracing). The context lives in a
thread-local, which eventlet turns into a greenthread-local in the services, so concurrent workers
never see each other's ids. `LOG_FORMAT=json` writes one JSON object per line; the default is text.
"""
import json
import logging
import threading
import time

from . import config

_context = threading.local()
FIELDS = ("request_id", "org_id")


def bind(**values):
    """Set this thread's context (None values are left out); returns what was there before."""
    previous = current()
    _context.values = {key: value for key, value in values.items() if value is not None}
    return previous


def current():
    return dict(getattr(_context, "values", {}))


def clear():
    _context.values = {}


class ContextFilter(logging.Filter):
    """Puts service, request_id and org_id on every record (None when unknown)."""

    def __init__(self, service=None):
        super().__init__()
        self.service = service

    def filter(self, record):
        values = current()
        record.service = values.get("service") or self.service
        for field in FIELDS:
            setattr(record, field, values.get(field))
        record.request_label = values.get("request_id") or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": getattr(record, "service", None),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "org_id": getattr(record, "org_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(service)s [%(request_label)s] %(name)s: %(message)s"


def logging_config(service=None, extra_filters=(), handlers=None):
    """A logging.config.dictConfig dict: one console handler in LOG_FORMAT (text or json)."""
    json_lines = config.env("LOG_FORMAT", "text").lower() == "json"
    filters = {"context": {"()": "portico_kit.logs.ContextFilter", "service": service}}
    filters.update({name: {"()": path} for name, path in extra_filters})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": "portico_kit.logs.JsonFormatter"},
        },
        "filters": filters,
        "handlers": handlers or {"console": {"class": "logging.StreamHandler",
                                             "formatter": "json" if json_lines else "plain",
                                             "filters": list(filters)}},
        "root": {"level": config.env("LOG_LEVEL", "INFO"), "handlers": ["console"]},
        "loggers": {"kombu": {"level": "WARNING"}, "amqp": {"level": "WARNING"}},
    }
