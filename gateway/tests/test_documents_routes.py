"""Documents through the gateway with a fake RPC layer: downloads, statements, branding, the logo."""
import base64

from portico_kit.errors import Invalid, NotFound

PDF = {"filename": "INV-000001.pdf", "content_base64": base64.b64encode(b"%PDF-1.7 x").decode()}
STATEMENT = {"customer_id": "cu-1", "currency": "EUR", "from": "2026-11-01", "to": "2026-11-30", "lines": []}


def test_staff_pdf_downloads_and_statement(client, rpc, auth):
    rpc.on("documents", "render_pdf", lambda actor, kind, ref, params: dict(PDF, filename=f"{kind}-{ref}.pdf"))
    for path, name in (("/api/v1/invoices/inv-1/pdf", "invoice-inv-1.pdf"), ("/api/v1/quotes/qt-1/pdf", "quote-qt-1.pdf"),
                       ("/api/v1/payments/pay-1/receipt.pdf", "receipt-pay-1.pdf")):
        response = client.get(path, headers=auth)
        assert response.status_code == 200 and response.data == b"%PDF-1.7 x", path
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    rpc.on("customers", "get_customer", lambda actor, cid: {"id": cid})
    rpc.on("billing", "get_statement", lambda actor, cid, start, end, currency: dict(STATEMENT, asked=[start, end, currency]))
    response = client.get("/api/v1/customers/cu-1/statement?from=2026-11-01&to=2026-11-30&currency=EUR", headers=auth)
    assert response.json["asked"] == ["2026-11-01", "2026-11-30", "EUR"]
    pdf = client.get("/api/v1/customers/cu-1/statement?format=pdf&from=2026-11-01", headers=auth)
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert rpc.called("documents", "render_pdf")[-1][1:] == ("statement", "cu-1", {"from": "2026-11-01", "to": None,
                                                                                   "currency": None})
    assert client.get("/api/v1/customers/cu-1/statement?format=xls", headers=auth).status_code == 400

    def not_found(actor, cid):
        raise NotFound(message="Customer not found.")
    rpc.on("customers", "get_customer", not_found)
    response = client.get("/api/v1/customers/cu-9/statement", headers=auth)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_logo_upload_is_passed_on_as_sent_and_refusals_are_422(client, rpc, auth):
    def set_logo(actor, content):
        if not base64.b64decode(content).startswith(b"\x89PNG"):
            raise Invalid(code="invalid_image", message="The logo must be a PNG or JPEG image.", fields={"logo": "x"})
        return {"logo_url": "http://portico.test/branding/org-1/logo/abc", "accent_color": None}
    rpc.on("accounts", "set_logo", set_logo)
    ok = client.put("/api/v1/settings/branding/logo", data=b"\x89PNG fake", headers=dict(auth, **{"Content-Type": "image/png"}))
    assert ok.status_code == 200 and ok.json["logo_url"].endswith("/logo/abc")
    bad = client.put("/api/v1/settings/branding/logo", data=b"<svg/>" * 300_000, headers=dict(auth, **{"Content-Type": "image/png"}))
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_image"  # 1.8 MB: still a clear 422


def test_the_public_logo_is_cached_for_good_only_under_its_own_version(client, rpc):
    rpc.on("accounts", "get_logo", lambda org_id: {"content_type": "image/png", "sha256": "abcdef" + "0" * 58,
                                                   "content_base64": base64.b64encode(b"\x89PNG").decode()})
    fresh = client.get("/branding/org-1/logo/abcdef")
    assert fresh.status_code == 200 and fresh.mimetype == "image/png" and "immutable" in fresh.headers["Cache-Control"]
    assert "immutable" not in client.get("/branding/org-1/logo/stale").headers["Cache-Control"]

    def none(org_id):
        raise NotFound(code="logo_not_found", message="No logo.")
    rpc.on("accounts", "get_logo", none)
    assert client.get("/branding/org-2/logo/abcdef").status_code == 404


def test_portal_branding_stylesheet_takes_only_a_colour(client, rpc):
    rpc.on("portal", "get_public_portal", lambda name: {"name": name, "branding": {"accent_color": "#0e7490"}})
    css = client.get("/portal/acme/branding.css")
    assert css.mimetype == "text/css" and "--brand: #0e7490" in css.get_data(as_text=True)
    rpc.on("portal", "get_public_portal", lambda name: {"name": name, "branding": {"accent_color": "red;}body{x"}})
    assert client.get("/portal/acme/branding.css").get_data(as_text=True) == ""
