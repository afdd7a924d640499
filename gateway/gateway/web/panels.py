"""Extra sections on shared pages, contributed by each area without editing the page itself.

    @customer_panel("staff/panels/customer_invoices.html")
    def invoices_panel(actor, customer):      # -> the template's context, or None to hide it
        return {"invoices": call("billing", "list_invoices", actor, ...)}

A panel that fails (its service is down) is left out with a note instead of failing the page.
A stopped service fails at once (the RPC client sees its queue has no consumer); one that is up
but does not answer costs the page at most PANEL_RPC_TIMEOUT seconds per call, not the full one.
"""
import logging

from portico_kit import config
from portico_kit.errors import ServiceError

from ..calls import timeout_cap

log = logging.getLogger(__name__)
PANEL_RPC_TIMEOUT = config.env_float("PANEL_RPC_TIMEOUT", 3.0)
CUSTOMER_PANELS = []     # the staff customer page: fn(actor, customer)
PORTAL_HOME_PANELS = []  # the portal home page: fn(actor, portal_context)


def customer_panel(template, order=50):
    def register(fn):
        CUSTOMER_PANELS.append((order, template, fn))
        CUSTOMER_PANELS.sort(key=lambda item: item[0])
        return fn
    return register


def portal_home_panel(template, order=50):
    def register(fn):
        PORTAL_HOME_PANELS.append((order, template, fn))
        PORTAL_HOME_PANELS.sort(key=lambda item: item[0])
        return fn
    return register


def render_panels(panels, *args):
    """[(template, context)] for the panels that have something to show."""
    rendered = []
    for _, template, fn in panels:
        try:
            with timeout_cap(PANEL_RPC_TIMEOUT):
                context = fn(*args)
        except ServiceError as exc:
            if exc.status < 500:
                raise
            log.warning("panel %s unavailable: %s", template, exc)
            context = {"unavailable": exc.message}
        if context is not None:
            rendered.append((template, context))
    return rendered
