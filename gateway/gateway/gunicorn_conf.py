"""gunicorn settings: `gunicorn -c python:gateway.gunicorn_conf "gateway.app:create_app()"`.

Thread workers (gthread): the gateway is not eventlet-patched; each thread keeps one RPC proxy.
"""
import os
import shutil
import tempfile

from portico_kit import logs

from gateway import http_errors

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
graceful_timeout = 10
# A long address reaches the app, which answers in the API's format; past gunicorn's hard maximum
# (8190 bytes) or with headers too large, gunicorn answers, in JSON too (http_errors.py).
limit_request_line = 8190
http_errors.install()
timeout = 60
accesslog = "-" if os.environ.get("ACCESS_LOG", "1") == "1" else None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
# the kit's format (LOG_FORMAT=text|json: service, request id, org id, level) for every logger
logconfig_dict = logs.logging_config("gateway")
logconfig_dict["loggers"].update({name: {"level": "INFO", "handlers": ["console"], "propagate": False}
                                  for name in ("gunicorn.error", "gunicorn.access")})

# Metrics from every worker add up in one folder (prometheus_client multiprocess mode).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portico-metrics-")


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""), ignore_errors=True)


def post_fork(server, worker):
    """A worker dies with its master, even when the master is SIGKILLed (a supervisor's grace ran
    out while a worker was still importing the app): PR_SET_PDEATHSIG is not inherited by fork."""
    import ctypes
    import signal
    import sys
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != worker.ppid:  # the master died before prctl took effect
        os._exit(0)
