"""Throw-away RabbitMQ vhosts, so test runs never see each other's queues.

Uses the management API when it answers (fast), else `rabbitmqctl` on this machine.
"""
import os
import shutil
import subprocess
import uuid
from urllib.parse import quote, urlsplit

import requests

PREFIX = "portico_test_"


def broker_uri():
    return os.environ.get("AMQP_URI") or "pyamqp://guest:guest@127.0.0.1:5672//"


def _parts():
    parts = urlsplit(broker_uri())
    return parts, parts.username or "guest", parts.password or "guest", parts.hostname or "127.0.0.1"


def _management_url():
    _, _, _, host = _parts()
    return os.environ.get("RABBIT_MANAGEMENT_URL") or f"http://{host}:15672"


def _management():
    _, user, password, _ = _parts()
    session = requests.Session()
    session.auth = (user, password)
    try:
        if session.get(_management_url() + "/api/overview", timeout=2).ok:
            return session
    except requests.RequestException:
        pass
    return None


def _rabbitmqctl(*args):
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    return subprocess.run([ctl, *args], check=True, capture_output=True, text=True, timeout=60).stdout


def create_vhost(label="run"):
    name = f"{PREFIX}{os.getpid()}_{label}_{uuid.uuid4().hex[:8]}"
    _, user, _, _ = _parts()
    api = _management()
    if api is not None:
        base = _management_url() + "/api"
        api.put(f"{base}/vhosts/{quote(name, safe='')}", timeout=10).raise_for_status()
        api.put(f"{base}/permissions/{quote(name, safe='')}/{user}",
                json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    else:
        _rabbitmqctl("add_vhost", name)
        _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
    return name


def delete_vhost(name):
    api = _management()
    try:
        if api is not None:
            api.delete(f"{_management_url()}/api/vhosts/{quote(name, safe='')}", timeout=10)
        else:
            _rabbitmqctl("delete_vhost", name)
    except Exception:  # cleanup is best effort; the next run sweeps leftovers
        pass


def list_vhosts():
    api = _management()
    if api is not None:
        return [v["name"] for v in api.get(_management_url() + "/api/vhosts", timeout=10).json()]
    return [line.strip() for line in _rabbitmqctl("list_vhosts", "-q").splitlines() if line.strip()]


def sweep_stale_vhosts():
    """Delete vhosts left by killed test runs (their pid is gone)."""
    try:
        names = list_vhosts()
    except Exception:
        return
    for name in names:
        if not name.startswith(PREFIX):
            continue
        try:
            pid = int(name[len(PREFIX):].split("_", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            delete_vhost(name)
        except PermissionError:
            pass


def uri_for(vhost):
    parts, _, _, _ = _parts()
    return f"{parts.scheme}://{parts.netloc}/{quote(vhost, safe='')}"
