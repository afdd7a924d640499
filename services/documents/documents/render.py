"""HTML from the document templates, and PDF from that HTML with WeasyPrint.

The same HTML is the print view (the gateway serves it to browsers) and the source of the PDF, so
the two never drift. Rendering is CPU-bound: it runs in an OS thread (eventlet's tpool), so the
service keeps answering pings and heartbeats while a long invoice is laid out, and one render at
a time per process (RENDER_THREADS) keeps Pango single-threaded; replicas are how it scales.
"""
import base64
import hashlib
import os
import re
from decimal import Decimal, InvalidOperation

import eventlet
from eventlet import tpool
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portico_kit.l10n import format_money
from portico_kit.timeutil import format_day

from . import config

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
LABELS = {"bank_transfer": "Bank transfer", "partially_paid": "Partially paid", "invoice": "Invoice",
          "payment": "Payment", "refund": "Refund"}
# the countries that print on US Letter; everyone else on A4
LETTER_COUNTRIES = {"us", "usa", "united states", "united states of america", "ca", "canada", "mx", "mexico",
                    "méxico", "ph", "philippines", "cl", "chile", "co", "colombia", "ve", "venezuela",
                    "gt", "guatemala", "cr", "costa rica", "pa", "panama", "do", "dominican republic",
                    "pr", "puerto rico", "sv", "el salvador", "ni", "nicaragua", "pe", "peru"}
STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_slots = eventlet.semaphore.Semaphore(config.render_threads())


def percent(value):
    try:
        number = Decimal(str(value or 0))
    except InvalidOperation:
        return str(value)
    return f"{value} %" if number else "—"


def label(value):
    return LABELS.get(value, str(value or "").replace("_", " ").capitalize())


def _environment():
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=format_money, day=format_day, percent=percent, label=label)
    return env


ENV = _environment()
with open(os.path.join(TEMPLATES, "document.css"), encoding="utf-8") as _fh:
    STYLESHEET = _fh.read()


def template_version():
    """A hash of every template file: a new template makes every cached PDF stale."""
    digest = hashlib.sha256()
    for name in sorted(os.listdir(TEMPLATES)):
        with open(os.path.join(TEMPLATES, name), "rb") as fh:
            digest.update(name.encode() + b"\0" + fh.read())
    return digest.hexdigest()


TEMPLATE_VERSION = template_version()


def page_size(address):
    country = ((address or {}).get("country") or "").strip().lower()
    return "Letter" if country in LETTER_COUNTRIES else "A4"


def soft(accent):
    """The accent colour at 12 % on white: table headers."""
    r, g, b = (int(accent[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(255 - (255 - c) * 0.12) for c in (r, g, b)))


def page(org):
    accent = org.get("accent_color") or "#1f2933"
    return {"size": page_size(org.get("address")), "accent": accent, "accent_soft": soft(accent)}


def html(template, context, back_url=None, pdf_url=None):
    org = context["org"]
    return ENV.get_template(template).render(
        dict(context, stylesheet=STYLESHEET, page=page(org), back_url=back_url, pdf_url=pdf_url,
             lang=context.get("lang", "en"), direction=context.get("direction", "ltr")))


def style_hashes(markup):
    """CSP hashes of the inline style blocks, so the print view needs no 'unsafe-inline'."""
    return ["sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
            for block in STYLE.findall(markup)]


def _write_pdf(markup, variant):
    from weasyprint import HTML  # imported here: the service starts without paying for it
    return HTML(string=markup, base_url=TEMPLATES).write_pdf(pdf_variant=variant)


def pdf(markup, variant=None):
    """PDF bytes of the HTML (`variant` "pdf/a-3b" for Factur-X), rendered off the event loop."""
    with _slots:
        return tpool.execute(_write_pdf, markup, variant)
