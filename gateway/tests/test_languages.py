"""Pages speak the reader's language: the sign-in page follows Accept-Language, a signed-in
person's own language wins over it, and Arabic pages are right to left."""
from conftest import STAFF
from test_portal_access_pages import csrf_token

PUBLIC = {"name": "acme", "organization_name": "Acme", "banner_message": ""}


def test_the_sign_in_page_follows_accept_language(client, rpc):
    rpc.on("portal", "get_public_portal", PUBLIC)
    german = client.get("/portal/acme/login", headers={"Accept-Language": "de-CH,de;q=0.9,en;q=0.5"})
    html = german.get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html and "Anmeldung im Kundenportal von Acme" in html
    assert "Accept-Language" in german.headers["Vary"]

    arabic = client.get("/portal/acme/login", headers={"Accept-Language": "ar-SA"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "تسجيل الدخول" in arabic

    unknown = client.get("/portal/acme/login", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in unknown and "Sign in to Acme's customer portal" in unknown


def test_a_signed_in_persons_language_wins_over_the_browsers(client, rpc):
    rpc.on("accounts", "login", {"token": "good"})
    client.post("/app/login", data={"email": "o@a.test", "password": "x", "csrf_token": csrf_token(client, "/app/login")})
    rpc.on("accounts", "authenticate", lambda token: dict(STAFF, language="fr"))
    rpc.on("customers", "list_customers", {"items": [], "page": 1, "per_page": 50, "total": 0})
    page = client.get("/app/customers", headers={"Accept-Language": "de"})
    html = page.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html and ">Clients</a>" in html


def test_the_stylesheets_mirror_for_right_to_left_pages():
    """Logical properties only (inline-start/end): a physical left or right would not mirror in Arabic."""
    import os
    import re
    static = os.path.join(os.path.dirname(__file__), "..", "gateway", "static")
    for name in os.listdir(static):
        if name.endswith(".css"):
            with open(os.path.join(static, name)) as fh:
                css = fh.read()
            assert not re.findall(r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)"
                                  r"|(?<![\w-])(?:left|right)\s*:", css), name
