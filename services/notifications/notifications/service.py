from nameko.timer import timer
from sqlalchemy import select

from portico_kit import config
from portico_kit.actors import require_staff
from portico_kit.db import Database
from portico_kit.errors import Conflict, Invalid, NotFound
from portico_kit.health import HealthMixin
from portico_kit.pagination import paginate
from portico_kit.rpc import TimedRpcProxy, rpc
from portico_kit.timeutil import utcnow

from . import delivery
from .events import EventHandlers
from .kinds import KINDS
from .models import EmailMessage
from .schemas import message_dict
from .templates import TemplateSettings

STATUSES = ("queued", "sent", "failed")


# No outbox relay: notifications publishes no events (docs/events.md), so nothing polls an empty outbox.
class NotificationsService(HealthMixin, EventHandlers, TemplateSettings):
    name = "notifications"

    db = Database()
    accounts = TimedRpcProxy("accounts")
    portal = TimedRpcProxy("portal")
    customers = TimedRpcProxy("customers")
    documents = TimedRpcProxy("documents", timeout=config.env_float("PDF_RPC_TIMEOUT", 60.0))  # PDF attachments

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
            if kind not in KINDS:
                raise Invalid(code="invalid_kind", message=f"kind is one of {', '.join(KINDS)}.",
                              fields={"kind": f"One of {', '.join(KINDS)}."})
            query = query.where(EmailMessage.kind == kind)
        query = query.order_by(EmailMessage.created_at.desc(), EmailMessage.id)
        return paginate(self.db, query, message_dict, page, per_page)

    @rpc
    def retry_message(self, actor, message_id):
        """Send a failed email again (after the retries ran out, e.g. a long SMTP outage)."""
        org_id = require_staff(actor)
        message = self.db.get(EmailMessage, str(message_id))
        if message is None or message.org_id != org_id:
            raise NotFound(code="email_not_found", message="There is no such email.")
        if message.status != "failed":
            raise Conflict(code="email_not_failed", message="Only a failed email can be sent again.")
        message.status, message.attempts, message.next_attempt_at = "queued", 0, utcnow()
        self.db.commit()
        return message_dict(message)  # the delivery timer sends it within a second or two

    @timer(interval=config.env_float("MAIL_POLL_INTERVAL", 1.0))
    def deliver_due(self):
        """Retries (and anything a crashed worker left claimed) go out from here."""
        for message_id in delivery.due_ids(self.db):
            delivery.deliver(self.db, message_id)
