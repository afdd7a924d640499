"""Gateway configuration from the environment."""
import logging
import os
import secrets

from portico_kit import config

log = logging.getLogger(__name__)
COMPOSE_DEFAULT_KEY = "change-me-before-going-live"
SERVICES = ("accounts", "customers", "billing", "portal", "reviews", "notifications", "documents")


class Settings:
    def __init__(self, **overrides):
        self.amqp_uri = config.amqp_uri()
        self.public_url = config.public_url()
        self.rpc_timeout = config.env_float("GATEWAY_RPC_TIMEOUT", 10.0)
        # a PDF is rendered on demand (a 150-line invoice takes seconds on a busy machine)
        self.pdf_timeout = config.env_float("PDF_RPC_TIMEOUT", 60.0)
        self.ready_timeout = config.env_float("READY_TIMEOUT", 1.0)
        # how long the gateway trusts the broker's word that a service has (no) consumers; 0: never ask
        self.consumer_check_seconds = config.env_float("GATEWAY_CONSUMER_CHECK_SECONDS", 1.0)
        # how long a resolved session/token is remembered per process (0: ask every request); the
        # revocation listener evicts at once on disable, logout, reset (session_cache.py)
        self.session_cache_seconds = config.env_float("SESSION_CACHE_SECONDS", 5.0)
        self.session_cache_size = config.env_int("SESSION_CACHE_SIZE", 10000)
        self.secret_key = config.env("SECRET_KEY") or _dev_secret()
        self.secure_cookies = self.public_url.startswith("https://")
        self.services = SERVICES
        # proxies whose X-Forwarded-For is believed (client_address.py); none by default
        from .client_address import parse_networks
        self.trusted_proxies = parse_networks(config.env("TRUSTED_PROXIES"))
        # Bearer token /metrics and the details of /readyz need (unset: open, as in development)
        self.ops_token = config.env("OPS_TOKEN") or None
        for key, value in overrides.items():
            setattr(self, key, parse_networks(value) if key == "trusted_proxies" and isinstance(value, str)
                    else value)
        if self.secret_key == COMPOSE_DEFAULT_KEY:
            log.warning("SECRET_KEY is the docker-compose default: anyone can forge sessions. "
                        "Set SECRET_KEY (e.g. `openssl rand -hex 32`) before going live.")


def _dev_secret():
    """Without SECRET_KEY, keep one per data folder so sessions survive restarts in development."""
    path = os.path.join(config.data_dir(), "gateway-secret-key")
    try:
        with open(path) as fh:
            return fh.read().strip()
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        key = secrets.token_hex(32)
        with open(path, "w") as fh:
            fh.write(key)
        return key
