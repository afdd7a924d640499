"""Email templates: defaults per kind, rendered in a sandbox into a plain-text and an HTML part.

Templates are written by staff, so they are rendered with Jinja's SandboxedEnvironment: no access
to Python internals, and only the variables we pass (this one organization's data) exist.
"""
import html
import re

from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment

DEFAULTS = {
    "portal_invitation": {
        "subject": "{{ organization.name }} invites you to their customer portal",
        "body": (
            "Hello {{ contact.name }},\n\n"
            "{{ organization.name }} has opened a customer portal for {{ customer.display_name }}. "
            "There you can see your invoices and quotes, pay online and get in touch.\n\n"
            "Accept the invitation and choose your password:\n{{ invite_url }}\n\n"
            "The link works once and expires on {{ expires_on }}.\n\n"
            "{{ organization.name }}"
        ),
    },
}

_text_env = SandboxedEnvironment(undefined=ChainableUndefined, autoescape=False)
_html_env = SandboxedEnvironment(undefined=ChainableUndefined, autoescape=True)
_URL = re.compile(r"(https?://[^\s<]+)")


def render(subject_template, body_template, context):
    """-> (subject, text, html)"""
    subject = " ".join(_text_env.from_string(subject_template).render(context).split())
    text = _text_env.from_string(body_template).render(context).strip() + "\n"
    escaped = _html_env.from_string(body_template).render(context).strip()
    return subject, text, to_html(subject, escaped)


def to_html(subject, escaped_body):
    paragraphs = [p.replace("\n", "<br>\n") for p in re.split(r"\n\s*\n", escaped_body) if p.strip()]
    body = "\n".join(f"<p>{_URL.sub(_link, p)}</p>" for p in paragraphs)
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(subject)}</title></head>\n"
            "<body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2933\">\n"
            f"{body}\n</body></html>\n")


def _link(match):
    url = match.group(1)
    return f'<a href="{url}">{url}</a>'


def render_default(kind, context):
    template = DEFAULTS[kind]
    return render(template["subject"], template["body"], context)
