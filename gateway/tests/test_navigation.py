"""Every menu entry names a page the app has: a renamed or missing view fails here, not by vanishing."""
from gateway.web import navigation


def test_every_menu_entry_is_a_registered_page(app):
    entries = ([endpoint for _, endpoint in navigation.STAFF_NAV + navigation.SETTINGS_NAV]
               + [endpoint for _, endpoint, _ in navigation.PORTAL_NAV])
    missing = [endpoint for endpoint in entries if endpoint not in app.view_functions]
    assert missing == []


def test_pages_have_an_icon(client):
    page = client.get("/app/login")
    assert b'rel="icon"' in page.data and b"/static/favicon.svg" in page.data
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon.headers["Location"].endswith("/static/favicon.svg")
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
