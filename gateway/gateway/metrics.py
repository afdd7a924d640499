"""Prometheus metrics: requests per route, RPC latency per service.

Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py) makes
/metrics add up every worker's numbers.
"""
import os

from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess, REGISTRY)

REQUESTS = Counter("portico_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("portico_http_request_seconds", "HTTP request latency", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
RPC_LATENCY = Histogram("portico_rpc_seconds", "RPC latency per service and method",
                        ["service", "method", "outcome"],
                        buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
SESSION_CACHE = Counter("portico_session_cache_total",
                        "Session/token resolutions answered from the gateway's cache (hit), asked of the "
                        "service (miss), and entries evicted by revocation events (evicted)", ["outcome"])


def observe_request(method, route, status, seconds):
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def observe_rpc(service, method, seconds, outcome):
    RPC_LATENCY.labels(service, method, outcome).observe(seconds)


def observe_session_cache(outcome, count=1):
    SESSION_CACHE.labels(outcome).inc(count)


def render():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
