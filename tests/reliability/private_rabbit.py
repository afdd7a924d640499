"""A RabbitMQ node of our own, for tests that stop and restart the broker.

The machine's shared RabbitMQ must never be restarted, so these tests start a second node from the
same installation: its own node name, ports, data, logs and an empty plugin list, all in a temp
folder, driven with the `rabbitmq-server` and `rabbitmqctl` scripts directly (the wrappers in
/usr/sbin switch to the rabbitmq user and drop our environment).
"""
import json
import os
import shutil
import socket
import subprocess
import time

SCRIPTS = "/usr/lib/rabbitmq/bin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable_reason():
    if not os.path.exists(os.path.join(SCRIPTS, "rabbitmq-server")):
        return f"no RabbitMQ installation at {SCRIPTS} to start a private node from"
    return None


class PrivateRabbit:
    def __init__(self, base_dir, home=None):
        self.dir = os.path.abspath(base_dir)
        self.port, self.dist_port = free_port(), free_port()
        self.node = f"portico_t_{os.getpid()}_{self.port}@localhost"
        self.uri = f"pyamqp://guest:guest@127.0.0.1:{self.port}//"
        os.makedirs(self.dir, exist_ok=True)
        for name in ("enabled_plugins", "rabbitmq.conf", "rabbitmq-env.conf"):
            open(os.path.join(self.dir, name), "w").close()
        self.env = dict(
            os.environ, HOME=home or self.dir,  # its own Erlang cookie (a cluster's nodes share one)
            RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port), RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"),
            RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"), RABBITMQ_PID_FILE=os.path.join(self.dir, "pid"),
            RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, "enabled_plugins"),
            RABBITMQ_CONFIG_FILE=os.path.join(self.dir, "rabbitmq.conf"),
            RABBITMQ_CONF_ENV_FILE=os.path.join(self.dir, "rabbitmq-env.conf"),
            ERL_EPMD_ADDRESS="127.0.0.1")
        self.running = False

    def ctl(self, *args, timeout=120):
        return subprocess.run([os.path.join(SCRIPTS, "rabbitmqctl"), "-n", self.node, *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def start(self, timeout=120):
        subprocess.run([os.path.join(SCRIPTS, "rabbitmq-server"), "-detached"], env=self.env, check=True,
                       capture_output=True, timeout=60)
        self.running = True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if self.ctl("await_startup", "--timeout", "30").returncode == 0:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the private RabbitMQ node {self.node} did not start:\n{self.log_tail()}")

    def stop(self):
        """Stop the node and wait until its process is gone."""
        if not self.running:
            return
        self.ctl("stop", os.path.join(self.dir, "pid"))
        self.running = False
        self._wait_closed()

    def kill(self):
        """SIGKILL the node's Erlang VM: a machine lost, no goodbye to its peers or clients."""
        with open(os.path.join(self.dir, "pid")) as fh:
            os.kill(int(fh.read().strip()), 9)
        self.running = False
        self._wait_closed()

    def _wait_closed(self, timeout=30):
        """Until nothing listens on the node's port any more (its process is gone)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.2)

    def join(self, other):
        """Join `other`'s cluster (this node's data is reset)."""
        for args in (("stop_app",), ("reset",), ("join_cluster", other.node), ("start_app",)):
            result = self.ctl(*args)
            if result.returncode != 0:
                raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {self.node}: {result.stdout}{result.stderr}")
        self.ctl("await_startup", "--timeout", "60")

    def restart(self):
        self.stop()
        return self.start()

    def log_tail(self, lines=40):
        path = os.path.join(self.dir, "log", f"{self.node}.log")
        if not os.path.exists(path):
            return "(no log)"
        with open(path, errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateCluster:
    """Three (or n) private nodes on this machine joined into one RabbitMQ cluster."""

    def __init__(self, base_dir, size=3):
        home = os.path.join(os.path.abspath(base_dir), "home")
        os.makedirs(home, exist_ok=True)
        self.nodes = [PrivateRabbit(os.path.join(base_dir, f"node{n}"), home=home) for n in range(size)]

    def start(self):
        for node in self.nodes:
            node.start()
        for node in self.nodes[1:]:
            node.join(self.nodes[0])
        return self

    def running_nodes(self):
        """The cluster's running nodes, as its first live node reports them."""
        node = next(node for node in self.nodes if node.running)
        result = node.ctl("cluster_status", "--formatter", "json")
        return json.loads(result.stdout)["running_nodes"]

    @property
    def uri(self):
        """Every node, for kombu's failover: the first is used while it lives."""
        return ";".join(node.uri for node in self.nodes)

    def cleanup(self):
        for node in self.nodes:
            try:
                node.cleanup()
            except Exception:  # a killed node has nothing to stop
                shutil.rmtree(node.dir, ignore_errors=True)
