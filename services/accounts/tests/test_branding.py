"""Branding: the logo is judged by its content and re-encoded (only pixels survive), the accent
colour is a colour, Factur-X needs a VAT number, and every change reaches the portal as an event."""
import base64
import io

import eventlet
import pytest
from nameko.events import event_handler
from PIL import Image

from portico_kit.errors import Invalid, NotFound

from accounts.service import AccountsService

UPDATES = []


class Collector:
    name = "accounts_branding_collector"

    @event_handler("accounts", "organization_updated")
    def on_updated(self, event):
        UPDATES.append(event)


@pytest.fixture
def accounts(start_service, rpc_client, container_factory, rabbit_config):
    UPDATES.clear()
    start_service(AccountsService, "accounts")
    container_factory(Collector, rabbit_config).start()
    return rpc_client("accounts")


def b64(data):
    return base64.b64encode(data).decode()


def image(fmt, size=(64, 32), **save):
    out = io.BytesIO()
    Image.new("RGB", size, "#0e7490").save(out, format=fmt, **save)
    return out.getvalue()


def staff(accounts, suffix):
    result = accounts.signup({"organization_name": f"Brand {suffix}", "name": "Olive", "email": f"o-{suffix}@b.test",
                              "password": "correct horse"})
    return accounts.authenticate(result["token"])


def test_a_logo_is_checked_by_content_and_only_its_pixels_are_kept(accounts):
    actor = staff(accounts, "logo")
    exif = Image.Exif()
    exif[0x010E] = "secret camera note"  # ImageDescription
    jpeg = image("JPEG", exif=exif.tobytes(), comment=b"hidden comment") + b"TRAILING-PAYLOAD"
    branding = accounts.set_logo(actor, b64(jpeg))
    assert branding["logo_url"].startswith("http") and "/branding/" in branding["logo_url"]
    stored = accounts.get_logo(actor["org_id"])
    data = base64.b64decode(stored["content_base64"])
    assert stored["content_type"] == "image/jpeg" and b"secret camera note" not in data
    assert b"hidden comment" not in data and b"TRAILING-PAYLOAD" not in data
    assert Image.open(io.BytesIO(data)).size == (64, 32) and not Image.open(io.BytesIO(data)).getexif()

    png = accounts.set_logo(actor, b64(image("PNG")))
    assert png["logo_url"] != branding["logo_url"]  # the URL names the content
    assert accounts.get_logo(actor["org_id"])["content_type"] == "image/png"
    letterhead = accounts.get_letterhead(actor, with_logo=True)
    assert base64.b64decode(letterhead["logo_base64"]).startswith(b"\x89PNG")

    refused = [b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a not really", image("GIF"), image("BMP"),
               b"", image("PNG")[:40], b"\x89PNG" + b"0" * (1024 * 1024 + 1)]
    for upload in refused:
        with pytest.raises(Invalid) as error:
            accounts.set_logo(actor, b64(upload))
        assert error.value.code == "invalid_image" and "logo" in error.value.fields
    bomb = image("PNG", size=(6000, 6000))  # compresses to kilobytes, decodes to 36 megapixels
    with pytest.raises(Invalid):
        accounts.set_logo(actor, b64(bomb))
    assert accounts.get_logo(actor["org_id"])["content_type"] == "image/png"  # the last good logo stays

    accounts.delete_logo(actor)
    with pytest.raises(NotFound):
        accounts.get_logo(actor["org_id"])


def test_accent_colour_attachments_and_facturx(accounts):
    actor = staff(accounts, "colour")
    saved = accounts.update_branding(actor, {"accent_color": "#0E7490", "attach_pdf_to_emails": True})
    assert (saved["accent_color"], saved["attach_pdf_to_emails"], saved["facturx"]) == ("#0e7490", True, False)
    for bad in ({"accent_color": "teal"}, {"accent_color": "#12345"}, {"attach_pdf_to_emails": "yes"},
                {"logo": "x"}):
        with pytest.raises(Invalid):
            accounts.update_branding(actor, bad)
    with pytest.raises(Invalid) as error:
        accounts.update_branding(actor, {"facturx": True})
    assert error.value.code == "tax_id_required"
    accounts.update_organization(actor, {"tax_id": "DE123456789"})
    assert accounts.update_branding(actor, {"facturx": True})["facturx"] is True
    with pytest.raises(Invalid):
        accounts.update_organization(actor, {"tax_id": None})  # Factur-X still needs it
    assert accounts.get_branding(actor) == dict(saved, facturx=True)
    def published():
        return [e for e in UPDATES if e["data"]["organization"]["branding"]["facturx"]]
    for _ in range(400):  # the event comes through the broker: wait for it
        if published():
            break
        eventlet.sleep(0.05)
    event = published()[-1]
    assert event["data"]["organization"]["branding"]["accent_color"] == "#0e7490"
    assert event["data"]["organization"]["tax_id"] == "DE123456789"
