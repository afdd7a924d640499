from nameko.rpc import rpc

from portico_kit.actors import require_staff
from portico_kit.db import Database
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin

from .models import OutboxEvent


class BillingService(HealthMixin, OutboxRelayMixin):
    name = "billing"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)

    @rpc
    def count_customer_documents(self, actor, customer_id):
        """What billing holds for a customer (customers refuses to delete one that has any)."""
        require_staff(actor)
        return {"invoices": 0, "quotes": 0, "payments": 0, "projects": 0}
