"""Finding 1: sign-in redirects stay on this site, however the target is disguised."""
import re

import pytest

from gateway.auth import safe_next

HOSTILE = ["//evil.example", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\r/evil.example",
           "/\\evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)",
           "/\t\\evil.example", " //evil.example", "/\x00/x", "evil.example", "//\t/evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_anything_a_browser_reads_as_another_host_gives_the_default(target):
    from urllib.parse import unquote
    assert safe_next(unquote(target), "/home") == "/home"


def test_a_path_on_this_site_is_kept():
    assert safe_next("/app/invoices?page=2", "/home") == "/app/invoices?page=2"
    assert safe_next("/app/customers?", "/home") == "/app/customers"


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("query", ["/%09/evil.example", "/%0A/x", "/%0D/evil.example", "/%5Cevil.example"])
def test_staff_login_never_redirects_off_site_nor_fails(client, rpc, query):
    rpc.on("accounts", "login", {"token": "good"})
    response = client.post(f"/app/login?next={query}", data={"email": "o@a.test", "password": "x",
                                                             "csrf_token": csrf_token(client, "/app/login")})
    assert response.status_code == 302 and response.headers["Location"] == "/app/"


def test_portal_login_never_redirects_off_site(client, rpc):
    rpc.on("portal", "get_public_portal", {"name": "acme", "org_name": "Acme", "banner_message": ""})
    rpc.on("portal", "login", {"token": "t"})
    token = csrf_token(client, "/portal/acme/login")
    response = client.post("/portal/acme/login?next=/%09/evil.example",
                           data={"email": "o@a.test", "password": "x", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/portal/acme/"
