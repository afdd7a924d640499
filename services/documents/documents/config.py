"""The documents service's settings from the environment."""
from portico_kit.config import env_float, env_int


def cache_days():
    """How long a rendered PDF nobody asked for again is kept (DOCUMENT_CACHE_DAYS, default 7)."""
    return env_float("DOCUMENT_CACHE_DAYS", 7.0)


def render_threads():
    """Renders at the same time per process (RENDER_THREADS, default 1): rendering is CPU-bound, so
    more replicas, not more threads, is how it scales; 1 keeps Pango single-threaded."""
    return max(env_int("RENDER_THREADS", 1), 1)
