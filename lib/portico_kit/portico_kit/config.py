"""Configuration from the environment, with defaults that run on one laptop."""
import os

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_int(name, default):
    return int(env(name, default))


def env_float(name, default):
    return float(env(name, default))


def amqp_uri():
    return env("AMQP_URI", DEFAULT_AMQP_URI)


def data_dir():
    return env("DATA_DIR", os.path.join(os.getcwd(), "data"))


def database_url(service_name):
    """`<SERVICE>_DATABASE_URL`, else `DATABASE_URL`, else a SQLite file per service in DATA_DIR."""
    specific = env(f"{service_name.upper()}_DATABASE_URL")
    if specific:
        return specific
    return env("DATABASE_URL") or "sqlite:///" + os.path.join(data_dir(), f"{service_name}.db")


def public_url():
    return env("PUBLIC_URL", "http://localhost:8000").rstrip("/")


def rpc_timeout():
    """Seconds a service waits for another service; the gateway waits longer (GATEWAY_RPC_TIMEOUT)."""
    return env_float("SERVICE_RPC_TIMEOUT", 5.0)


def nameko_config(service=None):
    from .logs import logging_config  # logs reads this module's env()
    return {
        "AMQP_URI": amqp_uri(),
        "max_workers": env_int("MAX_WORKERS", 10),
        "serializer": "json",
        "HEARTBEAT": env_int("AMQP_HEARTBEAT", 30),
        "LOGGING": logging_config(service, extra_filters=[("expected", "portico_kit.logfilter.ExpectedErrors")]),
    }
