"""What contexts.plan() needs from the other services, fetched over RPC with a system actor.

A service that is down raises (ServiceUnavailable/ServiceTimeout) and the event is retried from
the inbox. An organization's name and email are cached for a few minutes (every email needs them;
they rarely change); preferences, staff and contacts are read fresh, so switching a preference
off takes effect at once.
"""
import time

from portico_kit import config
from portico_kit.actors import system_actor
from portico_kit.errors import NotFound

ORGANIZATION_TTL = config.env_float("ORGANIZATION_CACHE_SECONDS", 300.0)
_organizations = {}  # org_id -> (expires, organization): per process


class ServiceLookup:
    def __init__(self, service):
        self.service = service
        self.public_url = config.public_url()

    def organization(self, org_id, fallback_name=None):
        cached = _organizations.get(org_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            org = self.service.accounts.get_organization(system_actor(org_id))
        except NotFound:  # unknown to accounts (deleted, or not there yet): what the event says
            return {"id": org_id, "name": fallback_name or "", "email": None, "phone": None}
        _organizations[org_id] = (time.monotonic() + ORGANIZATION_TTL, org)
        return org

    def preferences(self, org_id, org_name=None):
        actor = dict(system_actor(org_id), org_name=org_name)  # names the portal if it is new
        return self.service.portal.get_preferences(actor)

    def branding(self, org_id):
        """Read fresh (not cached like the name): "attach PDFs" takes effect at once."""
        try:
            return self.service.accounts.get_branding(system_actor(org_id))
        except NotFound:
            return {}

    def pdf(self, org_id, attachment):
        """{filename, content_type, content_base64} from the documents service, as the organization."""
        return self.service.documents.render_pdf(system_actor(org_id), attachment["kind"], attachment["ref"],
                                                 attachment.get("params"))

    def staff(self, org_id):
        try:
            return self.service.accounts.list_staff(system_actor(org_id))
        except NotFound:
            return []

    def portal_access(self, org_id, customer_id):
        return self.service.portal.get_portal_access(system_actor(org_id), customer_id)

    def customer(self, org_id, customer_id):
        try:
            return self.service.customers.get_customer(system_actor(org_id), customer_id)
        except NotFound:
            return None
