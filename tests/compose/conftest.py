"""The compose level: docker-compose.yml built and run with podman on this machine (`make test-compose`).

Images are built FROM a local Debian bookworm base (deploy/podman/build-base.sh, cached by its
hash); podman caches the layers between runs. RabbitMQ, PostgreSQL and the SMTP server are the
machine's (a vhost, databases and an aiosmtpd catcher of this run); every container uses host
networking with its listeners on 127.0.0.1 (deploy/podman/compose.host.yml). Skips, saying why,
where podman cannot build or run containers.
"""
import os
import secrets
import subprocess
import sys
import time
import uuid

import pytest
import requests

from devstack.supervisor import broker_problem, free_port
from portico_kit.testing import databases, rabbit
from portico_kit.testing.smtp import MailCatcher

sys.path.insert(0, os.path.dirname(__file__))  # the runner beside this file, under --import-mode=importlib
import podman_compose  # noqa: E402
from podman_compose import ROOT, Project  # noqa: E402

SERVICES = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                  if os.path.isdir(os.path.join(ROOT, "services", d, d)))
BASE_IMAGE = "localhost/portico-base:bookworm"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def pytest_sessionstart(session):
    rabbit.sweep_stale_vhosts()


def build_base():
    result = subprocess.run([os.path.join(ROOT, "deploy", "podman", "build-base.sh"), BASE_IMAGE],
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"building the base image failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout.strip()


def wait_ready(url, timeout):
    """Until the containerized gateway reaches every service over the broker (/readyz)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url + "/readyz", timeout=10)
            if response.status_code == 200:
                return
            last = response.text[:300]
        except requests.RequestException as exc:
            last = repr(exc)
        time.sleep(1)
    pytest.fail(f"the containerized gateway never became ready: {last}")


class ComposeStack:
    def __init__(self, project, url, mail):
        self.project, self.url, self.mail = project, url, mail


@pytest.fixture(scope="session")
def compose_stack():
    reason = podman_compose.podman_problem()
    if reason:
        pytest.skip(reason)
    for problem in (broker_problem(rabbit.broker_uri()), databases.postgres_unavailable_reason()):
        if problem:
            pytest.fail(problem)
    timings = {}
    started = time.monotonic()
    print(build_base())
    timings["base image"] = time.monotonic() - started

    project_name = f"portico-test-{uuid.uuid4().hex[:6]}"
    mail = MailCatcher().start()
    vhost = rabbit.create_vhost("compose")
    created = {service: databases.create_database(f"compose_{service}") for service in SERVICES}
    port = free_port()
    env = dict(os.environ, PORTICO_AMQP_URI=rabbit.uri_for(vhost), PORTICO_SMTP_HOST="127.0.0.1",
               PORTICO_SMTP_PORT=str(mail.port), PORTICO_PORT=str(port), PORTICO_SECRET_KEY=secrets.token_hex(32))
    env.update({f"PORTICO_{service.upper()}_DATABASE_URL": url for service, (_, url) in created.items()})
    project = Project([os.path.join(ROOT, "docker-compose.yml"),
                       os.path.join(ROOT, "deploy", "podman", "compose.host.yml")], project_name, env)
    try:
        started = time.monotonic()
        ca = [f"{CA_BUNDLE}:{CA_BUNDLE}:ro"] if os.path.exists(CA_BUNDLE) else []
        project.build(build_args=dict({"BASE_IMAGE": BASE_IMAGE}, **({"PIP_CERT": CA_BUNDLE} if ca else {})),
                      volumes=ca)
        timings["images"] = time.monotonic() - started
        started = time.monotonic()
        project.up(scale={"billing": 3}, timeout=300)
        project.wait_healthy("gateway")
        wait_ready(f"http://127.0.0.1:{port}", timeout=300)
        timings["up, healthy"] = time.monotonic() - started
        print("compose level:", ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))
        yield ComposeStack(project, f"http://127.0.0.1:{port}", mail)
    finally:
        left = project.down()
        rabbit.delete_vhost(vhost)
        for name, _ in created.values():
            databases.drop_database(name)
        mail.stop()
        assert left == [], f"containers left behind: {left}"
