"""A small HTTP client for Portico's API, shared by the end-to-end tests, browser tests and bench."""
import re

import requests

INVITE_LINK = re.compile(r"https?://\S+/portal/[a-z0-9-]+/invite/[A-Za-z0-9_-]+")


class ApiError(AssertionError):
    pass


class Portico:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def request(self, method, path, token=None, expect=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)
        if expect is not None and response.status_code != expect:
            raise ApiError(f"{method} {path}: expected {expect}, got {response.status_code}: {response.text[:500]}")
        return response

    def json(self, method, path, token=None, expect=200, **kwargs):
        return self.request(method, path, token=token, expect=expect, **kwargs).json()

    # -- staff ---------------------------------------------------------------------------------

    def signup(self, organization_name, email, name="Olive Owner", password="correct horse battery"):
        return self.json("POST", "/api/v1/signup", expect=201, json={
            "organization_name": organization_name, "name": name, "email": email, "password": password})

    def create_customer(self, token, **fields):
        return self.json("POST", "/api/v1/customers", token, expect=201, json=fields)

    def portal_settings(self, token, **changes):
        if changes:
            return self.json("PUT", "/api/v1/settings/portal", token, json=changes)
        return self.json("GET", "/api/v1/settings/portal", token)

    # -- portal --------------------------------------------------------------------------------

    def accept_invitation(self, invite_url, password="bike shed 42"):
        portal_name, token = re.search(r"/portal/([a-z0-9-]+)/invite/(\S+)$", invite_url).groups()
        return self.json("POST", f"/portal/{portal_name}/api/v1/invitations/{token}/accept",
                         json={"password": password})["token"]

    def portal_login(self, portal_name, email, password="bike shed 42", expect=200):
        response = self.request("POST", f"/portal/{portal_name}/api/v1/login", expect=expect,
                                json={"email": email, "password": password})
        return response.json()


def invite_link(text):
    match = INVITE_LINK.search(text)
    if not match:
        raise AssertionError(f"no invitation link in: {text[:300]}")
    return match.group(0)
