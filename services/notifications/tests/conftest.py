"""notifications with the services it asks (accounts, customers, portal) on the real broker, a real
SMTP server catching what it sends, and real organizations created through accounts."""
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, insert, select

from accounts.models import User
from accounts.service import AccountsService
from customers.service import CustomersService
from notifications import delivery, inbox
from notifications.models import InboundEvent
from notifications.service import NotificationsService
from portal.service import PortalService
from portico_kit.testing.waiting import wait_until



@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(delivery, "RETRY_BASE", 0.2)  # the containers run in this process
    monkeypatch.setattr(inbox, "RETRY_BASE", 0.2)


@pytest.fixture
def system(start_service, rpc_client, smtp_catcher, monkeypatch, fast_retries):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp_catcher.port))
    monkeypatch.setenv("MAIL_FROM", "Portico <no-reply@portico.test>")
    containers, configs = {}, {}
    for cls, package in ((AccountsService, "accounts"), (CustomersService, "customers"),
                         (PortalService, "portal"), (NotificationsService, "notifications")):
        containers[package], configs[package] = start_service(cls, package)
    return SimpleNamespace(
        accounts=rpc_client("accounts"), customers=rpc_client("customers"), portal=rpc_client("portal"),
        notifications=rpc_client("notifications"), containers=containers, configs=configs,
        start_service=start_service, mail=smtp_catcher)


class Org:
    """An organization made through accounts, with its owner as the staff actor."""

    def __init__(self, system, name="Acme Design"):
        self.system = system
        suffix = uuid.uuid4().hex[:6]
        self.owner_email = f"olive-{suffix}@acme.test"
        result = system.accounts.signup({"organization_name": f"{name} {suffix}", "name": "Olive Owner",
                                         "email": self.owner_email, "password": "correct horse"})
        self.id, self.name = result["organization"]["id"], result["organization"]["name"]
        self.staff = system.accounts.authenticate(result["token"])
        self.prefs = system.portal.get_preferences(self.staff)

    def add_staff(self, name, email):
        """A second staff member, written straight into accounts' database (there is no RPC yet)."""
        engine = create_engine(self.system.configs["accounts"]["DATABASE_URL"])
        with engine.begin() as conn:
            conn.execute(insert(User).values(id=str(uuid.uuid4()), org_id=self.id, name=name, email=email,
                                             password_hash="x", role="staff"))
        engine.dispose()

    def set_prefs(self, **flags):
        self.prefs = self.system.portal.update_preferences(self.staff, flags)
        return self.prefs

    def customer(self, name="Bob's Bikes", email=None, portal=False, contacts=()):
        data = {"display_name": name}
        if email:
            data["email"] = email
        customer = self.system.customers.create_customer(self.staff, data)
        for contact in contacts:
            self.system.customers.create_contact(self.staff, customer["id"], contact)
        if portal:
            self.system.portal.enable_portal(self.staff, customer["id"])
        return self.system.customers.get_customer(self.staff, customer["id"])

    def customer_actor(self, customer, contact=None):
        contact = contact or customer["contacts"][0]
        return {"kind": "customer", "org_id": self.id, "customer_id": customer["id"],
                "contact_id": contact["id"], "name": contact["name"], "email": contact["email"]}


@pytest.fixture
def org(system):
    return Org(system)


def inbound(system, event_id=None):
    """The notifications inbox rows (optionally of one event), straight from its database."""
    engine = create_engine(system.configs["notifications"]["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            query = select(InboundEvent.event_id, InboundEvent.status, InboundEvent.emails,
                           InboundEvent.attempts, InboundEvent.last_error)
            if event_id:
                query = query.where(InboundEvent.event_id == event_id)
            return [row._asdict() for row in conn.execute(query)]
    finally:
        engine.dispose()


def handled(system, envelope, emails=None):
    """Wait until notifications has handled the event; returns its inbox row."""
    def check():
        rows = inbound(system, envelope["event_id"])
        return rows[0] if rows and rows[0]["status"] in ("done", "failed") else None
    row = wait_until(check)
    assert row["status"] == "done", row
    if emails is not None:
        assert row["emails"] == emails, row
    return row
