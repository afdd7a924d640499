"""The billing service: invoices, quotes, payments (Stripe too), refunds, comments, forwarding, projects, summaries,
statements of account and document views.

Each area lives in its own mixin module; nameko finds their @rpc methods on this class.
"""
from portico_kit.db import Database
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin
from portico_kit.rpc import TimedRpcProxy

from .comments import CommentsMixin
from .documents import DocumentAccess
from .invoices import InvoicesMixin
from .models import OutboxEvent
from .online_payments import OnlinePaymentsMixin
from .payments import PaymentsMixin
from .processor import PaymentGateway
from .projects import ProjectsMixin
from .quotes import QuotesMixin
from .refunds import RefundsMixin
from .saved_cards import SavedCardsMixin
from .sharing import SharingMixin
from .statements import StatementsMixin
from .summary import SummaryMixin
from .views import DocumentViews


class BillingService(HealthMixin, OutboxRelayMixin, RefundsMixin, DocumentAccess, InvoicesMixin, QuotesMixin,
                     PaymentsMixin, OnlinePaymentsMixin, SavedCardsMixin, CommentsMixin, SharingMixin, ProjectsMixin, SummaryMixin, DocumentViews,
                     StatementsMixin):
    name = "billing"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)
    payments_provider = PaymentGateway()
    customers = TimedRpcProxy("customers")
    portal = TimedRpcProxy("portal")
    accounts = TimedRpcProxy("accounts")
