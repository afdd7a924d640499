from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import select

from portico_kit import config
from portico_kit.actors import require_staff
from portico_kit.db import Database
from portico_kit.errors import Invalid
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin
from portico_kit.pagination import paginate

from . import delivery
from .events import EventHandlers
from .models import EmailMessage, OutboxEvent
from .schemas import message_dict

STATUSES = ("queued", "sent", "failed")


class NotificationsService(HealthMixin, OutboxRelayMixin, EventHandlers):
    name = "notifications"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)

    @rpc
    def list_messages(self, actor, page=1, per_page=50, status=None, kind=None):
        """The outbound email log of the actor's organization, newest first."""
        org_id = require_staff(actor)
        query = select(EmailMessage).where(EmailMessage.org_id == org_id)
        if status:
            if status not in STATUSES:
                raise Invalid(code="invalid_status", message=f"status is one of {', '.join(STATUSES)}.",
                              fields={"status": f"One of {', '.join(STATUSES)}."})
            query = query.where(EmailMessage.status.in_(("queued", "sending") if status == "queued"
                                                        else (status,)))
        if kind:
            query = query.where(EmailMessage.kind == kind)
        query = query.order_by(EmailMessage.created_at.desc(), EmailMessage.id)
        return paginate(self.db, query, message_dict, page, per_page)

    @timer(interval=config.env_float("MAIL_POLL_INTERVAL", 1.0))
    def deliver_due(self):
        """Retries (and anything a crashed worker left claimed) go out from here."""
        for message_id in delivery.due_ids(self.db):
            delivery.deliver(self.db, message_id)
