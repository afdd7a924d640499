"""A stopped service costs its callers nothing: its durable queue is still there, with no consumer,
and the gateway answers 503 at once instead of waiting out its RPC timeout (10 s here); the portal
home page leaves its panels out without waiting for them."""
import re
import signal
import time
import uuid

import requests

from devstack.client import Portico, invite_link
from portico_kit.testing.smtp import body_text

from .helpers import make_stack


def test_a_stopped_service_is_503_within_a_second_and_the_portal_home_page_does_not_wait(tmp_path, vhost_uri,
                                                                                         mail):
    stack = make_stack(tmp_path, vhost_uri, mail)
    api = Portico(stack.url)
    try:
        stack.migrate()
        stack.start()
        stack.wait_ready(timeout=120)
        token = api.signup(f"Stop Co {uuid.uuid4().hex[:6]}", f"olive-{uuid.uuid4().hex[:6]}@stop.test")["token"]
        email = f"carla-{uuid.uuid4().hex[:6]}@stop.test"
        api.create_customer(token, display_name="Carla", email=email, enable_portal=True)
        [invitation] = mail.wait_for(email, timeout=60)
        link = invite_link(body_text(invitation))
        api.accept_invitation(link)
        portal_name = re.search(r"/portal/([a-z0-9-]+)/invite/", link).group(1)
        browser = requests.Session()
        login = browser.get(f"{stack.url}/portal/{portal_name}/login", timeout=30)
        csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
        browser.post(f"{stack.url}/portal/{portal_name}/login", timeout=30,
                     data={"email": email, "password": "bike shed 42", "csrf_token": csrf})
        assert browser.get(f"{stack.url}/portal/{portal_name}/", timeout=30).status_code == 200

        stack.kill("billing", signal.SIGTERM)
        time.sleep(1.5)  # what the gateway heard about consumers a second ago is forgotten

        for _ in range(3):
            started = time.monotonic()
            response = requests.get(stack.url + "/api/v1/invoices", headers={"Authorization": f"Bearer {token}"},
                                    timeout=30)
            elapsed = time.monotonic() - started
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "service_unavailable"
            assert elapsed < 1.5, f"{elapsed:.1f}s: waited for a service nobody runs"

        started = time.monotonic()
        home = browser.get(f"{stack.url}/portal/{portal_name}/", timeout=30)
        elapsed = time.monotonic() - started
        assert home.status_code == 200
        assert '<p class="muted" role="status">The billing service is not running.</p>' in home.text  # left out
        assert elapsed < 3, f"{elapsed:.1f}s for a home page with its billing panel down"

        stack.start_service("billing")  # and it is used again as soon as it is back
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            response = requests.get(stack.url + "/api/v1/invoices", headers={"Authorization": f"Bearer {token}"},
                                    timeout=30)
            if response.status_code == 200:
                break
            time.sleep(0.5)
        assert response.status_code == 200
    finally:
        stack.stop()
