"""documents with the real services it asks (billing, customers, accounts) on the real broker."""
import io
import uuid
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from accounts.service import AccountsService
from billing.service import BillingService
from customers.service import CustomersService
from documents.service import DocumentsService

ADDRESS = {"street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE"}


def pdf_of(result):
    import base64
    return base64.b64decode(result["content_base64"])


def text_of(result):
    reader = PdfReader(io.BytesIO(pdf_of(result)))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.fixture
def system(start_service, rpc_client):
    for service_cls, package in ((AccountsService, "accounts"), (CustomersService, "customers"),
                                 (BillingService, "billing"), (DocumentsService, "documents")):
        start_service(service_cls, package)
    return SimpleNamespace(accounts=rpc_client("accounts"), customers=rpc_client("customers"),
                           billing=rpc_client("billing"), documents=rpc_client("documents", timeout=120))


@pytest.fixture
def org(system):
    """An organization (with a letterhead) and a customer with a billing address; actors for both."""
    def make(country="DE", tax_id=None):
        suffix = uuid.uuid4().hex[:8]
        signup = system.accounts.signup({"organization_name": f"Acme {suffix}", "name": "Olive",
                                         "email": f"olive-{suffix}@acme.test", "password": "correct horse battery"})
        staff = system.accounts.authenticate(signup["token"])
        system.accounts.update_organization(staff, {"address": dict(ADDRESS, country=country), "currency": "EUR",
                                                    "email": "billing@acme.test", "tax_id": tax_id})
        customer = system.customers.create_customer(staff, {
            "display_name": "Bob's Bikes", "email": f"bob-{suffix}@bikes.test", "currency": "EUR",
            "billing_address": {"street": "1 Rue de Rivoli", "city": "Paris", "zip": "75001", "country": "FR"}})
        me = {"kind": "customer", "org_id": staff["org_id"], "customer_id": customer["id"],
              "contact_id": customer["contacts"][0]["id"], "name": "Bob Baker", "email": customer["email"]}
        return SimpleNamespace(staff=staff, customer=customer, me=me)
    return make


def invoice_for(system, org, lines, send=True, **extra):
    invoice = system.billing.create_invoice(org.staff, dict({
        "customer_id": org.customer["id"], "date": "2026-11-02", "due_date": "2026-11-16", "line_items": lines}, **extra))
    if send:
        invoice = system.billing.send_invoice(org.staff, invoice["id"])
    return invoice
