"""Run one service: `python -m portico_kit.runner accounts.service`.

Like `nameko run`, with the configuration taken from the environment (portico_kit.config) instead
of a YAML file. eventlet patches before anything else is imported; SIGTERM stops gracefully.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402 - must precede every other import

import logging.config  # noqa: E402
import sys  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from . import config, tracing  # noqa: E402
from .loader import service_class  # noqa: E402


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: python -m portico_kit.runner <package>.service")
    cls = service_class(argv[1])
    nameko_config = config.nameko_config(service=cls.name)
    logging.config.dictConfig(nameko_config["LOGGING"])
    tracing.setup(cls.name)  # OpenTelemetry export, only when OTEL_EXPORTER_OTLP_ENDPOINT is set
    run([cls], nameko_config)


if __name__ == "__main__":
    main(sys.argv)
