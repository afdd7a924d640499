"""Extra sections on shared pages, contributed by each area without editing the page itself.

    @customer_panel("staff/panels/customer_invoices.html")
    def invoices_panel(actor, customer):      # -> the template's context, or None to hide it
        return {"invoices": call("billing", "list_invoices", actor, ...)}

A panel that fails (its service is down) is left out with a note instead of failing the page.
"""
import logging

from portico_kit.errors import ServiceError

log = logging.getLogger(__name__)
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
            context = fn(*args)
        except ServiceError as exc:
            if exc.status < 500:
                raise
            log.warning("panel %s unavailable: %s", template, exc)
            context = {"unavailable": exc.message}
        if context is not None:
            rendered.append((template, context))
    return rendered
