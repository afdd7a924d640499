"""What the reliability tests share: a stack of real processes, the deploy step, waiting, peeking."""
import os
import sqlite3
import subprocess
import time

from kombu import Connection

from devstack.supervisor import Stack, free_port

INVITATIONS_QUEUE = "evt-portal-portal_invitation_created--notifications.on_portal_portal_invitation_created"

FAST = {"MAIL_RETRY_BASE_SECONDS": "0.5", "EVENT_RETRY_BASE_SECONDS": "0.5", "OUTBOX_RELAY_INTERVAL": "0.5",
        "SMTP_TIMEOUT": "5", "GATEWAY_RPC_TIMEOUT": "10",
        "MAIL_FROM": "Portico <no-reply@portico.test>"}


def make_stack(tmp_path, amqp_uri, mail, **env):
    port = free_port()
    return Stack(str(tmp_path / "stack"), amqp_uri, port=port, public_url=f"http://127.0.0.1:{port}",
                 env=dict(FAST, SMTP_HOST="127.0.0.1", SMTP_PORT=str(mail.port), **env),
                 gateway_workers=1, gateway_threads=4)


def deploy(stack, *services):
    """The deploy step of each service: database at head, event queues declared."""
    for name in services:
        result = subprocess.run([stack.python, "-m", "portico_kit.migrate", name], env=stack.service_env(name),
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr


def wait_for(check, timeout, what, stack=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if stack is not None:
            stack.check_alive()
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen in {timeout}s" + (f"\n{stack.tail_logs()}" if stack else ""))


def rows(stack, service, sql):
    with sqlite3.connect(os.path.join(stack.data_dir, f"{service}.db"), timeout=30) as conn:
        return conn.execute(sql).fetchall()


def queue_depth(amqp_uri, queue):
    with Connection(amqp_uri) as conn:
        return conn.default_channel.queue_declare(queue, passive=True).message_count
