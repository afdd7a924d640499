"""`make dev` as a newcomer runs it: everything starts, mail is readable, Ctrl-C leaves nothing behind."""
import os
import signal
import subprocess
import sys
import time

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


def test_make_dev_runs_everything_and_ctrl_c_stops_everything(tmp_path, unique):
    vhost = rabbit.create_vhost("dev")
    data_dir = str(tmp_path / f"data-{unique}")
    port, smtp_port, web_port = free_port(), free_port(), free_port()
    env = dict(os.environ, AMQP_URI=rabbit.uri_for(vhost), DATA_DIR=data_dir, PORT=str(port),
               SMTP_PORT=str(smtp_port), MAIL_UI_PORT=str(web_port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    env.pop("SMTP_HOST", None)
    dev = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = dev.stdout.readline()
            assert line, "make dev exited early:\n" + "".join(output)
            output.append(line)
            if "Portico is running" in line:
                break
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

        dev.send_signal(signal.SIGINT)  # what Ctrl-C does
        dev.wait(timeout=60)
        assert dev.returncode == 0
        time.sleep(0.5)
        assert processes_with(data_dir) == []
    finally:
        if dev.poll() is None:
            dev.kill()
        for pid in processes_with(data_dir):
            os.kill(pid, signal.SIGKILL)
        rabbit.delete_vhost(vhost)
