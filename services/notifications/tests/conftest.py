import pytest

from notifications import delivery
from notifications.service import NotificationsService


@pytest.fixture
def notifications(start_service, rpc_client, smtp_catcher, monkeypatch):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp_catcher.port))
    monkeypatch.setattr(delivery, "RETRY_BASE", 0.2)  # containers run in this process
    _, config = start_service(NotificationsService, "notifications")
    return rpc_client("notifications")


def invitation_data(email="bob@bikes.test"):
    return {
        "invitation": {"id": "inv-1", "expires_at": "2026-12-02T10:00:00Z"},
        "contact": {"id": "c-1", "email": email, "name": "Bob"},
        "customer": {"id": "cu-1", "display_name": "Bob's Bikes"},
        "organization": {"id": "org-1", "name": "Acme <Design>"},
        "portal": {"name": "acme", "url": "http://localhost:8000/portal/acme"},
        "invite_url": "http://localhost:8000/portal/acme/invite/TOKEN123",
    }
