"""The documents service: invoices, quotes, payment receipts and statements as PDF (and as the same
HTML for the print view), Factur-X for invoices where the organization wants it.

It owns no business data: it asks billing, customers and accounts with the caller's actor, renders,
and caches the PDF by a hash of what it printed. Rendering is CPU-heavy: scale this service alone.
"""
import logging

from nameko.timer import timer

from portico_kit.actors import org_of
from portico_kit.db import Database
from portico_kit.health import HealthMixin
from portico_kit.rpc import TimedRpcProxy, rpc

from . import cache, facturx, render, sources
from .schemas import check_kind, check_params, pdf_dict

log = logging.getLogger(__name__)


class DocumentsService(HealthMixin):
    name = "documents"

    db = Database()
    billing = TimedRpcProxy("billing")
    customers = TimedRpcProxy("customers")
    accounts = TimedRpcProxy("accounts")

    @rpc
    def render_pdf(self, actor, kind, ref=None, params=None):
        """The PDF of an invoice, quote (ref: its id), receipt (ref: the payment id) or statement
        (ref: the customer id, None for a customer actor; params: from, to, currency)."""
        org_of(actor)
        kind = check_kind(kind)
        params = check_params(kind, params)
        source = sources.build(self, actor, kind, ref, params, count_view=True)
        key = cache.key_of(kind, render.TEMPLATE_VERSION, source.printed)
        content = cache.get(self.db, key)
        if content is not None:
            return pdf_dict(source.filename, content, cached=True, facturx=source.facturx)
        self.db.rollback()  # no connection held while rendering
        markup = render.html(source.template, source.context)
        if source.facturx:
            content = facturx.invoice_pdf(markup, source.context)
        else:
            content = render.pdf(markup)
        cache.put(self.db, key, source.org_id, kind, source.filename, content)
        return pdf_dict(source.filename, content, cached=False, facturx=source.facturx)

    @rpc
    def render_html(self, actor, kind, ref=None, params=None, back_url=None, pdf_url=None):
        """The print view: the HTML the PDF is made from, with the CSP hashes of its styles."""
        org_of(actor)
        kind = check_kind(kind)
        params = check_params(kind, params)
        source = sources.build(self, actor, kind, ref, params)
        markup = render.html(source.template, source.context, back_url=back_url, pdf_url=pdf_url)
        return {"html": markup, "title": source.context["title"], "style_hashes": render.style_hashes(markup)}

    @timer(interval=3600)
    def purge_cache(self):
        removed = cache.purge(self.db)
        if removed:
            log.info("removed %d cached PDF(s) nobody asked for lately", removed)
