"""The first flow against `docker compose up`, through pytest-docker — only where a Docker engine runs.

Elsewhere (like the machines this project is developed and tested on) it skips and says why.
"""
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def docker_unavailable_reason():
    if not shutil.which("docker"):
        return "no docker client on this machine"
    result = subprocess.run(["docker", "info"], capture_output=True, text=True)
    if result.returncode != 0:
        return "no Docker engine is running here (`docker info` failed), so compose cannot start the stack"
    result = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if result.returncode != 0:
        return "the docker compose plugin is not installed"
    return None


@pytest.fixture(scope="session")
def docker_compose_file():
    return os.path.join(ROOT, "docker-compose.yml")


@pytest.fixture(scope="session")
def docker_compose_project_name():
    return f"portico-test-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def compose_gateway(request):
    reason = docker_unavailable_reason()
    if reason:
        pytest.skip(reason)
    services = request.getfixturevalue("docker_services")  # pytest-docker: up now, down at the end
    url = f"http://127.0.0.1:{services.port_for('gateway', 8000)}"

    def ready():
        try:
            return requests.get(url + "/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    services.wait_until_responsive(check=ready, timeout=300.0, pause=2.0)
    return url, f"http://127.0.0.1:{services.port_for('mailpit', 8025)}"


def test_first_flow_on_the_compose_stack(compose_gateway):
    url, mailpit = compose_gateway
    suffix = uuid.uuid4().hex[:6]
    signup = requests.post(f"{url}/api/v1/signup", json={"organization_name": f"Compose {suffix}", "name": "O",
                                                         "email": f"o-{suffix}@c.test", "password": "long enough"})
    token = signup.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    requests.put(f"{url}/api/v1/settings/portal", json={"banner_message": "Hi from compose"}, headers=auth)
    email = f"c-{suffix}@c.test"
    created = requests.post(f"{url}/api/v1/customers", headers=auth,
                            json={"display_name": "C", "email": email, "enable_portal": True})
    assert created.status_code == 201
    link = None
    for _ in range(60):
        found = requests.get(f"{mailpit}/api/v1/search", params={"query": f"to:{email}"}).json()["messages"]
        if found:
            text = requests.get(f"{mailpit}/api/v1/message/{found[0]['ID']}").json()["Text"]
            link = re.search(r"/portal/([a-z0-9-]+)/invite/(\S+)", text)
            break
        time.sleep(1)
    assert link, "the invitation mail reached mailpit"
    portal_name, invite = link.groups()
    accepted = requests.post(f"{url}/portal/{portal_name}/api/v1/invitations/{invite}/accept",
                             json={"password": "bike shed 42"})
    me = requests.get(f"{url}/portal/{portal_name}/api/v1/me",
                      headers={"Authorization": f"Bearer {accepted.json()['token']}"})
    assert me.json()["portal"]["banner_message"] == "Hi from compose"
