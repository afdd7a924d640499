"""`make dev` as a newcomer runs it: everything starts, mail is readable, a crashed service comes
back, and Ctrl-C, SIGTERM or even SIGKILL of the supervisor leaves nothing behind.

devstack is started as from a background job (`make test &`): SIGINT inherited as ignored."""
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from devstack.client import Portico, invite_link
from devstack.supervisor import free_port
from portico_kit.testing import rabbit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def processes_with(marker):
    """pids of processes whose environment holds `marker` (our unique DATA_DIR)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def as_a_background_job():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # what a shell does to a job started with `&`


def start_devstack(tmp_path, unique, vhost):
    data_dir = str(tmp_path / f"data-{unique}")
    port, smtp_port, web_port = free_port(), free_port(), free_port()
    env = dict(os.environ, AMQP_URI=rabbit.uri_for(vhost), DATA_DIR=data_dir, PORT=str(port),
               SMTP_PORT=str(smtp_port), MAIL_UI_PORT=str(web_port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    env.pop("SMTP_HOST", None)
    dev = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env, preexec_fn=as_a_background_job,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return dev, data_dir, port, web_port


def read_until(dev, text, output, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = dev.stdout.readline()
        assert line, "make dev exited early:\n" + "".join(output)
        output.append(line)
        if text in line:
            return line
    raise AssertionError(f"no {text!r} from make dev in {timeout}s:\n" + "".join(output[-50:]))


def service_pid(data_dir, name):
    """The pid of one service (its command line names it), among the processes of this stack."""
    for pid in processes_with(data_dir):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if f"{name}.service".encode() in fh.read():
                    return pid
        except OSError:
            continue
    return None


def cleanup(dev, data_dir, vhost):
    if dev.poll() is None:
        dev.kill()
    for pid in processes_with(data_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    rabbit.delete_vhost(vhost)


@pytest.mark.timeout(900)
def test_make_dev_runs_everything_restarts_a_crash_and_ctrl_c_stops_everything(tmp_path, unique):
    vhost = rabbit.create_vhost("dev")
    dev, data_dir, port, web_port = start_devstack(tmp_path, unique, vhost)
    try:
        output = []
        read_until(dev, "Portico is running", output, timeout=300)  # a busy 2-core machine: minutes
        assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        for service in ("accounts", "customers", "billing", "portal", "reviews", "notifications"):
            assert os.path.exists(os.path.join(data_dir, f"{service}.db")), service

        api = Portico(f"http://127.0.0.1:{port}")
        token = api.signup(f"Dev Co {unique}", f"dev-{unique}@dev.test")["token"]
        api.create_customer(token, display_name="Dev Customer", email=f"c-{unique}@dev.test", enable_portal=True)
        for _ in range(100):
            messages = requests.get(f"http://127.0.0.1:{web_port}/api/messages", timeout=5).json()
            if messages:
                break
            time.sleep(0.1)
        assert api.accept_invitation(invite_link(messages[0]["text"]))
        inbox = requests.get(f"http://127.0.0.1:{web_port}/", timeout=5).text
        assert f"Dev Co {unique} invites you to their customer portal" in inbox
        assert len(processes_with(data_dir)) >= 8  # devstack, six services, gateway (+ its workers)

        # a service that dies is restarted by the supervisor, which says so
        crashed = service_pid(data_dir, "reviews")
        os.kill(crashed, signal.SIGKILL)
        assert "reviews exited with code -9; restarting it in 1 s" in read_until(dev, "reviews exited", output, 30)
        read_until(dev, "restarting reviews", output, 30)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # and the new one answers
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                break
            time.sleep(0.5)
        assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        assert service_pid(data_dir, "reviews") not in (None, crashed)

        dev.send_signal(signal.SIGINT)  # what Ctrl-C does (ignored by inheritance: devstack installs its own)
        dev.wait(timeout=60)
        assert dev.returncode == 0
        time.sleep(0.5)
        assert processes_with(data_dir) == []
    finally:
        cleanup(dev, data_dir, vhost)


@pytest.mark.timeout(900)
def test_no_service_outlives_a_killed_supervisor_and_sigterm_stops_a_starting_one(tmp_path, unique):
    vhost = rabbit.create_vhost("dev")
    dev, data_dir, _, _ = start_devstack(tmp_path, unique, vhost)
    try:  # SIGKILL: no handler runs, the kernel kills the children (PR_SET_PDEATHSIG)
        deadline = time.monotonic() + 300
        while len(processes_with(data_dir)) < 8 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert len(processes_with(data_dir)) >= 8, "the services did not start"
        dev.kill()
        dev.wait(timeout=10)
        deadline = time.monotonic() + 10
        while processes_with(data_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_with(data_dir) == []
    finally:
        cleanup(dev, data_dir, vhost)

    vhost = rabbit.create_vhost("dev")
    dev, data_dir, _, _ = start_devstack(tmp_path, unique + "-term", vhost)
    try:  # SIGTERM while the services are still starting up
        output = []
        read_until(dev, "Migrating", output, timeout=120)
        deadline = time.monotonic() + 300
        while len(processes_with(data_dir)) < 8 and time.monotonic() < deadline:
            time.sleep(0.3)
        dev.terminate()
        dev.wait(timeout=60)
        assert dev.returncode == 0
        time.sleep(0.5)
        assert processes_with(data_dir) == []
    finally:
        cleanup(dev, data_dir, vhost)
