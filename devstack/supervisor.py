"""Start, watch and stop every service and the gateway as local processes.

Services stop before the broker would (a nameko service ignores SIGTERM while the broker is
unreachable), and a process that does not stop within the grace period is killed: nothing is
left behind.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

SERVICES = ("accounts", "customers", "billing", "portal", "reviews", "notifications", "documents")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def broker_problem(amqp_uri, timeout=3):
    """None if RabbitMQ answers at amqp_uri, else a sentence saying what is wrong."""
    from kombu import Connection
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1)
        return None
    except Exception as exc:
        return f"RabbitMQ is not reachable at {amqp_uri} ({exc.__class__.__name__}: {exc})"


class Stack:
    def __init__(self, data_dir, amqp_uri, port=8000, public_url=None, env=None, database_urls=None,
                 log_dir=None, echo=False, python=sys.executable, gateway_workers=2, gateway_threads=8):
        self.data_dir = os.path.abspath(data_dir)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.python = python
        self.echo = echo
        self.log_dir = log_dir or os.path.join(self.data_dir, "logs")
        self.database_urls = database_urls or {}
        self.processes = {}
        self._log_threads = []
        self.env = dict(os.environ)
        self.env.update({
            "AMQP_URI": amqp_uri, "DATA_DIR": self.data_dir, "PORT": str(port),
            "PUBLIC_URL": public_url or f"http://localhost:{port}",
            "GATEWAY_WORKERS": str(gateway_workers), "GATEWAY_THREADS": str(gateway_threads),
            "PYTHONUNBUFFERED": "1",
        })
        self.env.pop("DATABASE_URL", None)  # one database per service, never a shared one
        self.env.update(env or {})
        os.makedirs(self.log_dir, exist_ok=True)

    # -- environment per process ---------------------------------------------------------------

    def service_env(self, name):
        env = dict(self.env, HEARTBEAT_FILE=os.path.join(self.data_dir, f"{name}.heartbeat"))
        if name in self.database_urls:
            env[f"{name.upper()}_DATABASE_URL"] = self.database_urls[name]
        return env

    # -- lifecycle -----------------------------------------------------------------------------

    def migrate(self):
        """Every service's deploy step (database at head, event queues declared), in parallel."""
        def run(name):
            result = subprocess.run([self.python, "-m", "portico_kit.migrate", name], env=self.service_env(name),
                                    capture_output=True, text=True, timeout=180)
            if result.returncode != 0:
                raise RuntimeError(f"migrating {name} failed:\n{result.stdout}\n{result.stderr}")
            return result.stdout.strip()
        with ThreadPoolExecutor(max_workers=3) as pool:
            return list(pool.map(run, SERVICES))

    def start(self):
        for name in SERVICES:
            self.start_service(name)
        self.start_gateway()

    def start_service(self, name):
        self._spawn(name, [self.python, "-m", "portico_kit.runner", f"{name}.service"], self.service_env(name))

    def start_gateway(self):
        self._spawn("gateway", [self.python, "-m", "gunicorn", "-c", "python:gateway.gunicorn_conf",
                                "gateway.app:create_app()"], dict(self.env, ACCESS_LOG="0"))

    def wait_ready(self, timeout=60):
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                response = requests.get(self.url + "/readyz", timeout=3)
                if response.status_code == 200:
                    return response.json()
                last = response.json()
            except requests.RequestException as exc:
                last = repr(exc)
            time.sleep(0.3)
        raise RuntimeError(f"the stack did not become ready in {timeout}s: {last}\n{self.tail_logs()}")

    def check_alive(self):
        dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"processes exited: {dead}\n{self.tail_logs()}")

    def stop(self, grace=10.0):
        """Gateway first (no new work), then the services; SIGKILL whatever outlives `grace`."""
        order = ["gateway"] + [name for name in SERVICES if name in self.processes]
        for name in order:
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name in order:
            process = self.processes.get(name)
            if process is None:
                continue
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()
        for thread in self._log_threads:
            thread.join(timeout=2)

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes.pop(name)
        process.send_signal(sig)
        process.wait(timeout=15)

    # -- processes and logs --------------------------------------------------------------------

    def _spawn(self, name, argv, env):
        log_path = os.path.join(self.log_dir, f"{name}.log")
        log_file = open(log_path, "ab")
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # Ctrl-C reaches us, and we stop them in order
        self.processes[name] = process
        thread = threading.Thread(target=self._pump, args=(name, process, log_file), daemon=True)
        thread.start()
        self._log_threads.append(thread)
        return process

    def _pump(self, name, process, log_file):
        prefix = f"{name:>13} | ".encode()
        with log_file:
            for line in iter(process.stdout.readline, b""):
                log_file.write(line)
                log_file.flush()
                if self.echo:
                    sys.stdout.buffer.write(prefix + line)
                    sys.stdout.flush()

    def tail_logs(self, lines=30):
        out = []
        for name in list(SERVICES) + ["gateway"]:
            path = os.path.join(self.log_dir, f"{name}.log")
            if os.path.exists(path):
                with open(path, errors="replace") as fh:
                    tail = fh.readlines()[-lines:]
                out.append(f"--- {name} ---\n" + "".join(tail))
        return "\n".join(out)
