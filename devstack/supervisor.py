"""Start, watch and stop every service and the gateway as local processes.

Services stop before the broker would (a nameko service ignores SIGTERM while the broker is
unreachable), and a process that does not stop within the grace period is killed: nothing is
left behind. `supervise()` restarts a process that exited, with a growing pause. Every child is
killed by the kernel when the supervisor dies, even by SIGKILL (PR_SET_PDEATHSIG, through
`setpriv`), so no service outlives it to keep consuming the broker's queues.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

SERVICES = ("accounts", "customers", "billing", "portal", "reviews", "notifications", "documents")
RESTART_PAUSES = (1, 2, 4, 8, 15, 30)  # seconds before restart n; a process up for STABLE_SECONDS starts over
STABLE_SECONDS = 60
# `setpriv --pdeathsig KILL` (util-linux) sets PR_SET_PDEATHSIG and execs the command: no Python
# runs between fork and exec (a preexec_fn can deadlock in a process with threads, as this one is)
SETPRIV = shutil.which("setpriv") if sys.platform.startswith("linux") else None


def _die_with_us(argv):
    """The child is SIGKILLed by the kernel when the thread that started it (the supervisor's main
    thread) ends, however it ends."""
    return [SETPRIV, "--pdeathsig", "KILL", "--", *argv] if SETPRIV else argv


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
        self.exits = []  # (name, exit code) of every process that exited without being asked to
        self._commands = {}  # name -> (argv, env): what supervise() restarts
        self._restarts = {}  # name -> (restarts in a row, monotonic time it may start again)
        self._started_at = {}
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

    def supervise(self, log=print):
        """Restart what exited (the broker was gone too long, a crash), after a growing pause.

        Call it in a loop; it returns at once. Exits are logged and kept in `self.exits`.
        """
        now = time.monotonic()
        for name, process in list(self.processes.items()):
            code = process.poll()
            if code is None:
                continue
            count, _ = self._restarts.get(name, (0, 0))
            if now - self._started_at.get(name, now) >= STABLE_SECONDS:
                count = 0
            pause = RESTART_PAUSES[min(count, len(RESTART_PAUSES) - 1)]
            log(f"{name} exited with code {code}; restarting it in {pause} s (restart {count + 1})")
            self.exits.append((name, code))
            del self.processes[name]
            self._restarts[name] = (count + 1, now + pause)
        for name, (count, not_before) in list(self._restarts.items()):
            if name not in self.processes and name in self._commands and now >= not_before:
                log(f"restarting {name}")
                self._spawn(name, *self._commands[name])

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
        self._restarts.clear()
        for thread in self._log_threads:
            thread.join(timeout=2)

    def kill(self, name, sig=signal.SIGKILL):
        self._restarts.pop(name, None)
        process = self.processes.pop(name)
        process.send_signal(sig)
        process.wait(timeout=15)

    # -- processes and logs --------------------------------------------------------------------

    def _spawn(self, name, argv, env):
        log_path = os.path.join(self.log_dir, f"{name}.log")
        log_file = open(log_path, "ab")
        process = subprocess.Popen(_die_with_us(argv), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # Ctrl-C reaches us, and we stop them in order
        self.processes[name] = process
        self._commands[name] = (argv, env)
        self._started_at[name] = time.monotonic()
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
