"""Events notifications consumes (each becomes recorded email) — it publishes none yet."""
from datetime import datetime

from sqlalchemy import select

from portico_kit.messaging import first_delivery, on_event

from . import delivery, templates
from .models import EmailMessage, ProcessedEvent


def _date(iso_timestamp):
    try:
        return datetime.fromisoformat(iso_timestamp.replace("Z", "+00:00")).strftime("%d %B %Y")
    except (AttributeError, ValueError):
        return iso_timestamp


class EventHandlers:
    """Mixed into NotificationsService."""

    @on_event("portal", "portal_invitation_created")
    def on_portal_portal_invitation_created(self, event):
        data = event["data"]
        context = dict(data, expires_on=_date(data["invitation"]["expires_at"]))
        message = self._record(event, "portal_invitation", data["contact"]["email"],
                               data["contact"].get("name"), context, "on_portal_portal_invitation_created",
                               from_name=data["organization"]["name"])
        if message is not None:
            delivery.deliver(self.db, message.id)

    def _record(self, event, kind, to_email, to_name, context, handler, from_name=None):
        """Render and record one email for this event; None if the event was seen before."""
        if not first_delivery(self.db, ProcessedEvent, event, handler):
            return None
        dedupe_key = f"{event['event_id']}:{kind}:{to_email.lower()}"
        existing = self.db.scalar(select(EmailMessage).where(EmailMessage.dedupe_key == dedupe_key))
        if existing is not None:
            self.db.commit()
            return None
        subject, text, html = templates.render_default(kind, context)
        message = EmailMessage(org_id=event.get("org_id"), kind=kind, to_email=to_email.lower(),
                               to_name=to_name, from_name=from_name, subject=subject[:500], text_body=text, html_body=html,
                               dedupe_key=dedupe_key)
        self.db.add(message)
        self.db.commit()
        return message
