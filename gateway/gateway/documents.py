"""PDF downloads (invoices, quotes, payment receipts, statements) and the print views, from the
documents service. Shared by the JSON API and the pages."""
import base64
import re

from flask import Response, g

from .calls import call, settings

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def render_pdf(kind, ref=None, params=None, actor=None):
    return call("documents", "render_pdf", actor or g.actor, kind, ref, params, timeout=settings().pdf_timeout)


def pdf_response(result, inline=False):
    """The PDF as a download named like the document ("INV-000001.pdf")."""
    body = base64.b64decode(result["content_base64"])
    filename = UNSAFE.sub("-", result.get("filename") or "document.pdf")
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def print_view(kind, ref, back_url, pdf_url, params=None):
    """The HTML the PDF is made from, allowed its own inline style (by hash) and nothing else."""
    result = call("documents", "render_html", g.actor, kind, ref, params, back_url, pdf_url,
                  timeout=settings().pdf_timeout)
    response = Response(result["html"], mimetype="text/html")
    styles = " ".join(f"'{digest}'" for digest in result["style_hashes"])
    response.headers["Content-Security-Policy"] = (f"default-src 'none'; img-src 'self' data:; style-src {styles}; "
                                                   "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
    return response


def statement_params(args):
    return {"from": args.get("from") or None, "to": args.get("to") or None, "currency": args.get("currency") or None}
