"""Keep expected outcomes (a 404, a 422, a wrong password) out of the error log.

nameko logs every exception a worker raises with a traceback; a ServiceError below 500 is an
answer, not a failure, so it is logged as one line at INFO instead.
"""
import logging

from .errors import ServiceError


class ExpectedErrors(logging.Filter):
    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, ServiceError) and exc.status < 500:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args, record.exc_info, record.exc_text = (
                "%s answered %s", (record.getMessage().split(" at ")[0], exc), None, None)
        return True
