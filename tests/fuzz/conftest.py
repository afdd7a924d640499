"""The fuzz level's own stack: the fuzzer signs in wrongly and renames portals at will, so it never
shares a running system (or its sign-in limits) with the other system tests."""
import pytest
import requests

from devstack.client import Portico, invite_link
from devstack.supervisor import Stack, broker_problem, free_port
from portico_kit.testing import rabbit
from portico_kit.testing.smtp import body_text


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory, mail):
    problem = broker_problem(rabbit.broker_uri())
    if problem:
        pytest.fail(problem)
    vhost = rabbit.create_vhost("fuzz")
    port = free_port()
    stack = Stack(str(tmp_path_factory.mktemp("stack-fuzz")), rabbit.uri_for(vhost), port=port,
                  public_url=f"http://127.0.0.1:{port}",
                  env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(mail.port), "OUTBOX_RELAY_INTERVAL": "0.5",
                       "GATEWAY_RPC_TIMEOUT": "10"},
                  gateway_workers=1, gateway_threads=8)
    try:
        stack.migrate()
        stack.start()
        stack.wait_ready(timeout=90)
        yield stack
    finally:
        stack.stop()
        rabbit.delete_vhost(vhost)


@pytest.fixture(scope="module")
def fuzz_org(fuzz_stack, mail):
    """An organization with a customer signed in to the portal: valid tokens for both halves of the API."""
    api = Portico(fuzz_stack.url)
    owner = api.signup("Fuzz Org", "owner@fuzz.test")
    portal_name = api.portal_settings(owner["token"], allow_forwarding=True, show_projects=True,
                                      allow_profile_edit=True, reviews_enabled=True)["portal_name"]
    customer = api.create_customer(owner["token"], display_name="Fuzzy Customer", email="customer@fuzz.test",
                                   enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for("customer@fuzz.test")[0])))
    invoice = api.json("POST", "/api/v1/invoices", owner["token"], expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-01", "due_date": "2026-12-01",
        "line_items": [{"description": "Work", "quantity": "2", "rate": "50.00"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", owner["token"])
    return {"staff": owner["token"], "portal": portal_token, "portal_name": portal_name,
            "customer_id": customer["id"], "invoice_id": invoice["id"]}


@pytest.fixture(scope="module")
def api_schema(fuzz_stack):
    import schemathesis
    spec = requests.get(fuzz_stack.url + "/api/v1/openapi.json", timeout=30).json()
    return schemathesis.openapi.from_dict(spec)
