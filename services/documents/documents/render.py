"""HTML from the document templates, and PDF from that HTML with WeasyPrint.

The same HTML is the print view (the gateway serves it to browsers) and the source of the PDF, so
the two never drift. Rendering is CPU-bound: it runs in an OS thread (eventlet's tpool), so the
service keeps answering pings and heartbeats while a long invoice is laid out, and one render at
a time per process (RENDER_THREADS) keeps Pango single-threaded; replicas are how it scales.
"""
import base64
import hashlib
import logging
import os
import re
from decimal import Decimal, InvalidOperation

import eventlet
from eventlet import tpool
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from portico_kit import addresses, i18n
from portico_kit.i18n import N_
from portico_kit.l10n import Formatter

from . import config

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
LABELS = {"bank_transfer": N_("Bank transfer"), "partially_paid": N_("Partially paid"), "invoice": N_("Invoice"),
          "payment": N_("Payment"), "refund": N_("Refund"), "cash": N_("Cash"), "cheque": N_("Cheque"),
          "card": N_("Card"), "other": N_("Other")}
# the countries that print on US Letter; everyone else on A4
LETTER_COUNTRIES = {"us", "usa", "united states", "united states of america", "ca", "canada", "mx", "mexico",
                    "méxico", "ph", "philippines", "cl", "chile", "co", "colombia", "ve", "venezuela",
                    "gt", "guatemala", "cr", "costa rica", "pa", "panama", "do", "dominican republic",
                    "pr", "puerto rico", "sv", "el salvador", "ni", "nicaragua", "pe", "peru"}
STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_slots = eventlet.semaphore.Semaphore(config.render_threads())
# WeasyPrint runs in a tpool OS thread, where logging's (green, monkey-patched) locks must not be
# contended: a progress line logged there while the service logged too once hung the whole
# service ("greenlet.error: Cannot switch to a different thread"). Its INFO progress steps are
# not worth that; warnings and errors (rare) still reach the log.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


# Every document is written in its reader's language (the customer's, else the organization's):
# the context carries `lang` and `fmt` (portico_kit.l10n.Formatter, the formatter pages and emails
# use), and the filters and `_()` read them from there.

def _fmt(context):
    return context.get("fmt") or Formatter()


@pass_context
def money(context, amount, currency=None):
    return _fmt(context).money(amount, currency)


@pass_context
def day(context, value):
    return _fmt(context).date(value, "long") if value else ""


@pass_context
def number(context, value):
    return _fmt(context).number(value)


@pass_context
def percent(context, value):
    try:
        rate = Decimal(str(value or 0))
    except InvalidOperation:
        return str(value)
    return _fmt(context).percent(value) if rate else "—"


@pass_context
def label(context, value):
    known = LABELS.get(value)
    return _gettext(context, known) if known else str(value or "").replace("_", " ").capitalize()


@pass_context
def _gettext(context, message):
    return i18n.translations(context.get("lang")).gettext(message)


@pass_context
def _ngettext(context, singular, plural, count):
    return i18n.translations(context.get("lang")).ngettext(singular, plural, count)


def _environment():
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters.update(money=money, day=day, number=number, percent=percent, label=label)
    env.globals["address_lines_of"] = _address_lines
    return env


@pass_context
def _address_lines(context, address):
    """The address as its country writes it, the country named in the document's language."""
    return addresses.address_lines(address, context.get("lang"))


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


def page_counter(language):
    """The footer's "Page 2 of 3" in the reader's language, as CSS content."""
    words = i18n.gettext(language, N_("Page %(page)s of %(pages)s")).replace('"', "")
    words = words.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
    return f'"{words}"'


def html(template, context, back_url=None, pdf_url=None):
    org = context["org"]
    language = context.get("lang", "en")
    return ENV.get_template(template).render(
        dict(context, stylesheet=STYLESHEET, page=dict(page(org), counter=page_counter(language)),
             back_url=back_url, pdf_url=pdf_url, lang=language, direction=context.get("direction", "ltr")))


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
