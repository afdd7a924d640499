"""One request followed across services by its X-Request-ID, in the services' own log files."""
import os
import re
import time

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def log_lines_with(stack, service, request_id):
    with open(os.path.join(stack.log_dir, f"{service}.log"), errors="replace") as fh:
        return [line for line in fh if f"[{request_id}]" in line]


def wait_for_lines(stack, service, request_id, pattern, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        lines = log_lines_with(stack, service, request_id)
        if any(re.search(pattern, line) for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def test_one_request_id_through_rpc_and_events_into_every_log(stack, api, new_org, mail, unique):
    owner = new_org()
    request_id = f"e2e-{unique}"
    email = f"traced-{unique}@x.test"
    response = api.request("POST", "/api/v1/customers", owner["token"], headers={"X-Request-ID": request_id},
                           json={"display_name": "Traced", "email": email, "enable_portal": True})
    assert response.status_code == 201 and response.headers["X-Request-ID"] == request_id
    mail.wait_for(email)

    for service, pattern in [("accounts", r"rpc accounts\.authenticate ok"),       # the gateway's token check
                             ("customers", r"rpc customers\.create_customer ok"),   # the gateway's call
                             ("portal", r"rpc portal\.\w+ ok"),                     # portal access
                             ("notifications", r"event notifications\.\w+ ok")]:   # portal's event -> mail
        lines = wait_for_lines(stack, service, request_id, pattern)
        assert any(re.search(pattern, line) for line in lines), (service, lines)

    # a request without an id gets one, and the invitation it sends is logged under it
    response = api.request("POST", f"/api/v1/customers/{response.json()['id']}/portal/invite", owner["token"])
    fresh = response.headers["X-Request-ID"]
    assert fresh != request_id and invite_link(body_text(mail.wait_for(email, count=2)[1]))
    assert wait_for_lines(stack, "notifications", fresh, r"event notifications\.\w+ ok")
