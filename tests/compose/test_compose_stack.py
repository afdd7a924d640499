"""The first flow through the containerized gateway, billing on three replicas, one stopped mid-run."""
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack.client import Portico, invite_link
from portico_kit.testing.smtp import body_text

# building on a cold cache (base image, then the shared layer from PyPI) takes minutes
pytestmark = pytest.mark.timeout(2400)

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


def json_lines(text):
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # not a log record (e.g. nameko's start-up banner)
        if isinstance(entry, dict):
            yield entry


def test_every_container_is_healthy_and_each_deploy_step_succeeded(compose_stack):
    project = compose_stack.project
    for service, spec in project.services.items():
        names = project.containers(service)
        if project.one_shot(service):
            assert [project.state(n) for n in names] == [("exited", 0)], service
            continue
        assert len(names) == (3 if service == "billing" else 1), (service, names)
        for name in names:
            assert project.state(name)[0] == "running" and project.healthcheck(name), name
        assert spec["restart"] == "unless-stopped", service
    for name in project.containers("billing"):  # images run as the non-root user of the Dockerfiles
        assert project.logs(name) and "portico" in _whoami(project, name)


def _whoami(project, name):
    from podman_compose import podman
    return podman("exec", name, "id", "-un").stdout.strip()


def test_first_flow_and_billing_replicas_served_and_one_stops_without_a_failed_request(compose_stack):
    api, mail, project = Portico(compose_stack.url), compose_stack.mail, compose_stack.project
    suffix = uuid.uuid4().hex[:6]
    owner = api.signup(f"Compose {suffix}", f"owner-{suffix}@compose.test")
    token = owner["token"]
    api.portal_settings(token, banner_message="Hello from the containers")
    portal_name = api.portal_settings(token)["portal_name"]
    email = f"bob-{suffix}@compose.test"
    customer = api.create_customer(token, display_name="Bob's Bikes", email=email, currency="EUR",
                                   enable_portal=True)
    api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    portal_token = api.portal_login(portal_name, email)["token"]  # signs in with the password just chosen
    base = f"/portal/{portal_name}/api/v1"
    assert api.json("GET", f"{base}/me", portal_token)["portal"]["banner_message"] == "Hello from the containers"

    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-01", "due_date": "2099-12-31",
        "line_items": [{"description": "Tune-up", "quantity": "2", "rate": "60.00"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    paid = api.request("POST", f"{base}/invoices/{invoice['id']}/payments", portal_token,
                       json={"amount": "120.00", "card": CARD}, headers={"Idempotency-Key": f"pay-{suffix}"})
    assert paid.status_code == 201, paid.text
    assert api.json("GET", f"{base}/invoices/{invoice['id']}", portal_token)["status"] == "paid"

    # Load on billing (the portal's invoice list) while one of its three replicas stops.
    sent, failures, lock = [], [], threading.Lock()

    def list_invoices(i):
        request_id = f"compose-{suffix}-{i}"
        response = api.request("GET", f"{base}/invoices", portal_token, headers={"X-Request-ID": request_id})
        with lock:
            sent.append(request_id)
            if response.status_code != 200 or response.json()["total"] != 1:
                failures.append((request_id, response.status_code, response.text[:200]))

    billing = project.containers("billing")
    victim = billing[1]
    stopper = threading.Thread(target=project.stop, args=(victim,))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(list_invoices, range(30)))
        stopper.start()
        i = 30
        while stopper.is_alive() and i < 3000:  # bounded; the stop takes a few seconds
            list(pool.map(list_invoices, range(i, i + 8)))
            i += 8
        stopper.join()
        list(pool.map(list_invoices, range(i, i + 30)))  # and the two left carry on alone
    assert failures == [], failures
    assert project.state(victim)[0] == "exited", "unless-stopped: a stopped replica stays stopped"

    # each replica's JSON log lines name the requests it served (X-Request-ID carried over RPC)
    ours, served, answered = set(sent), {}, set()
    for name in billing:
        lines = [e for e in json_lines(project.logs(name)) if e.get("request_id") in ours
                 and e["message"].startswith("rpc billing.list_invoices ok")]
        assert all(e["service"] == "billing" and e["org_id"] == owner["organization"]["id"] for e in lines)
        served[name] = len(lines)
        answered.update(e["request_id"] for e in lines)
    assert all(count > 0 for count in served.values()), served
    assert answered == ours, "every request's billing call is in a replica's log"
