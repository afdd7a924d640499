from portico_kit.db import Database
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin

from .models import OutboxEvent


class ReviewsService(HealthMixin, OutboxRelayMixin):
    name = "reviews"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)
