"""Stand-ins for the services billing asks (customers, portal, accounts), on the real broker.

They answer as docs/events.md's cross-service table says; tests set what they know through the
module-level STATE and read the calls billing made."""
from nameko.rpc import rpc

from portico_kit.actors import org_of, require_staff
from portico_kit.errors import NotFound

STATE = {"customers": {}, "organizations": {}, "features": {}, "portals": {}, "contact_calls": [], "share_state": {}}


def reset():
    STATE.update(customers={}, organizations={}, features={}, portals={}, contact_calls=[], share_state={})


def add_customer(org_id, customer_id, display_name, currency=None, email=None):
    STATE["customers"][(org_id, customer_id)] = {"id": customer_id, "display_name": display_name,
                                                 "currency": currency, "email": email, "contacts": []}
    return STATE["customers"][(org_id, customer_id)]


class FakeCustomers:
    name = "customers"

    @rpc
    def get_customer(self, actor, customer_id):
        org_id = org_of(actor)
        customer = STATE["customers"].get((org_id, customer_id))
        if customer is None or (actor["kind"] == "customer" and actor["customer_id"] != customer_id):
            raise NotFound(message="Customer not found.")
        return customer

    @rpc
    def ensure_contact(self, actor, customer_id, data):
        customer = self.get_customer(actor, customer_id)
        STATE["contact_calls"].append({"actor": actor, "customer_id": customer_id, "data": data})
        existing = next((c for c in customer["contacts"] if c["email"] == data["email"]), None)
        if existing:
            return dict(existing, created=False)
        contact = {"id": f"contact-{len(customer['contacts']) + 1}-{customer_id}", "email": data["email"],
                   "first_name": data["first_name"], "last_name": data.get("last_name")}
        customer["contacts"].append(contact)
        return dict(contact, created=True)


class FakePortal:
    name = "portal"

    @rpc
    def get_preferences(self, actor):
        org_id = require_staff(actor)
        name = STATE["portals"].get(org_id, f"portal-{org_id}")
        return {"portal_name": name, "portal_url": f"http://localhost:8000/portal/{name}"}

    @rpc
    def share_link_state(self, org_id, customer_id):
        name = STATE["portals"].get(org_id, f"portal-{org_id}")
        state = {"portal_name": name, "portal_url": f"http://localhost:8000/portal/{name}", "forwarding": True,
                 "forwarding_since": None, "customer_enabled": True, "customer_enabled_since": None}
        state.update(STATE["share_state"].get(org_id, {}))
        return state

    @rpc
    def get_features(self, actor):
        org_id = org_of(actor)
        features = {"forwarding": True, "projects": True, "profile_edit": True, "reviews": False}
        features.update(STATE["features"].get(org_id, {}))
        return features


class FakeAccounts:
    name = "accounts"

    @rpc
    def get_organization(self, actor):
        org_id = org_of(actor)
        return {"id": org_id, "name": f"Org {org_id}", "currency": STATE["organizations"].get(org_id)}
