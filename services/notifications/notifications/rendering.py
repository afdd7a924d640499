"""Rendering staff-written templates safely, into a plain-text and an HTML part.

Templates are written by staff, so they run in a locked-down Jinja sandbox:
- only the values of this one email exist (no globals, no functions, nothing callable), and Jinja's
  sandbox refuses every attribute that leads to Python internals (`__class__`, ...);
- the language is placeholders, conditions and a short list of filters: no loops, macros, calls,
  imports or variables, and string repetition and formatting are refused, so a template cannot
  make the service spin or run out of memory either;
- `check()` runs on save and names the line of the first error; a stored template that still fails
  at send time (data nobody foresaw) falls back to the default text rather than losing the email.
"""
import html
import re
import threading
import time
import traceback
from functools import lru_cache

import markupsafe

from jinja2 import ChainableUndefined, StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.filters import FILTERS
from jinja2.sandbox import SandboxedEnvironment

MAX_SUBJECT_TEMPLATE = 1000
MAX_BODY_TEMPLATE = 20000
MAX_OUTPUT = 100_000       # characters a rendered part may have
MAX_FILTER_OUTPUT = 20_000
# What one rendering may make in all, counting every filter's result (intermediate ones too), and
# how long it may take: checked while it runs, so no template makes a worker swap or spin.
MAX_RENDER_WORK = 1_000_000
MAX_RENDER_SECONDS = 2.0

# The filters a template may use; anything that pads, repeats or formats by width is left out.
ALLOWED_FILTERS = ("abs capitalize count d default e escape first float int last length lower "
                   "replace round string striptags title trim truncate upper wordcount").split()

# What a template may be made of. Everything else (for, macro, call, set, include, import,
# extends, block, with, autoescape ...) is refused with its line.
ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr,
    nodes.Getitem, nodes.Slice, nodes.Filter, nodes.Test, nodes.If, nodes.CondExpr, nodes.And,
    nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Compare, nodes.Operand, nodes.Add, nodes.Sub,
    nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow, nodes.Concat, nodes.Keyword,
    nodes.FilterBlock, nodes.Tuple, nodes.List,
)
STATEMENT_NAMES = {nodes.For: "loops ({% for %})", nodes.Macro: "macros", nodes.CallBlock: "call blocks",
                   nodes.Call: "function calls (use a filter such as |upper instead)",
                   nodes.Assign: "variables ({% set %})", nodes.AssignBlock: "variables ({% set %})",
                   nodes.Include: "includes", nodes.Import: "imports", nodes.FromImport: "imports",
                   nodes.Extends: "extends", nodes.Block: "blocks", nodes.With: "{% with %}"}


class TemplateProblem(Exception):
    """An error a person can fix: `field` (subject/body), `line`, and a sentence."""

    def __init__(self, field, line, message):
        super().__init__(f"{field}, line {line}: {message}" if line else f"{field}: {message}")
        self.field, self.line, self.message = field, line, message

    def describe(self):
        return f"Line {self.line}: {self.message}" if self.line else self.message


class _Limits(threading.local):
    """This rendering's remaining work and its deadline (a greenlet's own under eventlet)."""
    work = None
    deadline = None


_limits = _Limits()


def _spend(amount):
    if _limits.work is None:
        return
    _limits.work -= amount
    if _limits.work < 0:
        raise SecurityError("the template makes too much text")
    if time.monotonic() > _limits.deadline:
        raise SecurityError("the template takes too long to render")


def _capped(fn):
    def filter_(*args, **kwargs):
        _spend(0)  # past the deadline: stop before doing more
        result = fn(*args, **kwargs)
        if isinstance(result, str):
            if len(result) > MAX_FILTER_OUTPUT:
                raise SecurityError("a filter produced too much text")
            _spend(len(result))
        return result
    filter_.__name__ = getattr(fn, "__name__", "filter")
    for marker in ("jinja_pass_arg",):  # keep Jinja's "pass the environment/context" markers
        if hasattr(fn, marker):
            setattr(filter_, marker, getattr(fn, marker))
    return filter_


def _replace(eval_ctx, s, old, new, count=None):
    """`replace`, refusing before it is done when the result would be too long: `'ab'|replace('',
    'x' * 18000)` is 54,000 characters, and a second such replace 10**9 (Jinja's own would build it)."""
    text, old_text = str(s), str(old)
    new_text = str(markupsafe.escape(new)) if eval_ctx.autoescape else str(new)
    found = len(text) + 1 if old_text == "" else text.count(old_text)
    if count is not None:
        try:
            found = min(found, max(int(count), 0)) if int(count) >= 0 else found
        except (TypeError, ValueError):
            raise SecurityError("replace's count must be a whole number")
    if len(text) + found * (len(new_text) - len(old_text)) > MAX_FILTER_OUTPUT:
        raise SecurityError("a filter produced too much text")
    return FILTERS["replace"](eval_ctx, s, old, new, count)


_replace.jinja_pass_arg = FILTERS["replace"].jinja_pass_arg


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "//"})

    def __init__(self, autoescape, undefined):
        super().__init__(autoescape=autoescape, undefined=undefined, trim_blocks=True, lstrip_blocks=True)
        self.globals.clear()  # no range, lipsum, dict, cycler, joiner, namespace
        self.filters = {name: _capped(_replace if name == "replace" else FILTERS[name]) for name in ALLOWED_FILTERS}

    def is_safe_attribute(self, obj, attr, value):
        # values only: a template never gets hold of a method, so it can call nothing
        return not callable(value) and super().is_safe_attribute(obj, attr, value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        raise SecurityError("calling functions is not allowed in email templates")

    def call_binop(self, context, operator, left, right):
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        if not numbers:
            raise SecurityError(f"'{operator}' only works on numbers in email templates")
        if operator == "**" and (abs(right) > 64 or abs(left) > 10 ** 6):
            raise SecurityError("that power is too large")
        return super().call_binop(context, operator, left, right)


_lenient = {"text": _Sandbox(False, ChainableUndefined), "html": _Sandbox(True, ChainableUndefined)}
_strict = {"text": _Sandbox(False, StrictUndefined), "html": _Sandbox(True, StrictUndefined)}


# -- checking (on save and preview) ------------------------------------------------------------

def check(subject, body, sample, required=()):
    """Raise TemplateProblem for the first thing wrong with this subject and body."""
    for field, source, limit in (("subject", subject, MAX_SUBJECT_TEMPLATE), ("body", body, MAX_BODY_TEMPLATE)):
        if not isinstance(source, str) or not source.strip():
            raise TemplateProblem(field, None, "Must not be blank.")
        if len(source) > limit:
            raise TemplateProblem(field, None, f"Must be at most {limit} characters.")
        _check_structure(field, source)
        for mode in ("text", "html"):
            _render_checked(field, _strict[mode], source, sample)
    if "\n" in subject.strip():
        raise TemplateProblem("subject", 2, "The subject must be a single line.")
    used = _top_level_names(body)
    for name in required:
        if name not in used:
            raise TemplateProblem("body", None, f"The body must contain {{{{ {name} }}}}: "
                                                "without that link the email is of no use.")


def _parse(field, source, environment=None):
    try:
        return (environment or _strict["text"]).parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(field, exc.lineno, exc.message or "syntax error")
    except RecursionError:
        raise TemplateProblem(field, None, "The template is nested too deeply.")


def _check_structure(field, source):
    for node in _parse(field, source).find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            what = STATEMENT_NAMES.get(type(node), f"'{type(node).__name__}'")
            raise TemplateProblem(field, node.lineno, f"{what[0].upper()}{what[1:]} cannot be used in "
                                                      "email templates.")


def _top_level_names(source):
    return {node.name for node in _strict["text"].parse(source).find_all(nodes.Name)}


@lru_cache(maxsize=512)
def _compiled(environment, source):
    return environment.from_string(source)


def _render_checked(field, environment, source, context):
    try:
        output = _render_bounded(_compiled(environment, source), context)
    except RecursionError:
        raise TemplateProblem(field, None, "The template is nested too deeply.")
    except TemplateSyntaxError as exc:
        raise TemplateProblem(field, exc.lineno, exc.message or "syntax error")
    except UndefinedError as exc:
        line = _line_of(exc)
        name = _placeholder(environment, source, line, _undefined_name(exc))
        raise TemplateProblem(field, line, f"Unknown placeholder: {name}.")
    except SecurityError as exc:
        raise TemplateProblem(field, _line_of(exc), f"Not allowed: {str(exc).rstrip('.')}.")
    except Exception as exc:  # division by zero, a filter given the wrong kind of value ...
        raise TemplateProblem(field, _line_of(exc), f"{exc.__class__.__name__}: {exc}")
    if output is None:
        raise TemplateProblem(field, None, f"The text it makes is too long (over {MAX_OUTPUT} characters).")
    return output


def _render_bounded(template, context):
    """The rendered text, or None as soon as it grows past MAX_OUTPUT: produced piece by piece, with
    every filter's result counted against MAX_RENDER_WORK and the clock against MAX_RENDER_SECONDS."""
    outer = (_limits.work, _limits.deadline)
    _limits.work, _limits.deadline = MAX_RENDER_WORK, time.monotonic() + MAX_RENDER_SECONDS
    try:
        pieces, size = [], 0
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_OUTPUT:
                return None
            _spend(0)
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _limits.work, _limits.deadline = outer


def _line_of(exc):
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else None


def _placeholder(environment, source, line, name):
    """'nmae' -> 'customer.nmae': the whole dotted name as written on that line, when we find it."""
    for node in environment.parse(source).find_all(nodes.Getattr):
        if node.attr == name and (line is None or node.lineno == line):
            parts, current = [node.attr], node.node
            while isinstance(current, nodes.Getattr):
                parts.append(current.attr)
                current = current.node
            if isinstance(current, nodes.Name):
                return ".".join([current.name] + parts[::-1])
    return name


def _undefined_name(exc):
    message = str(exc)
    match = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    return match.group(1) if match else message


# -- rendering (when sending) -------------------------------------------------------------------

def render(subject_template, body_template, context, branding=None):
    """-> (subject, text, html). Missing values render empty; errors raise TemplateProblem."""
    subject = " ".join(_render_checked("subject", _lenient["text"], subject_template, context).split())
    text = _render_checked("body", _lenient["text"], body_template, context).strip() + "\n"
    escaped = _render_checked("body", _lenient["html"], body_template, context).strip()
    links = set(_URL.findall(body_template)) | set(_link_values(context))
    return subject[:500], text, to_html(subject, escaped, branding, (context.get("organization") or {}).get("name"),
                                        links={html.escape(url, quote=True) for url in links})


def _link_values(value, key=""):
    """The URLs we made (view_url, document.url, ...): the only values that become links. A name
    or a comment with a URL in it stays text, so nobody can put a link in an email in our name."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _link_values(v, str(k))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _link_values(v, key)
    elif isinstance(value, str) and (key == "url" or key.endswith("_url")) and _URL.fullmatch(value):
        yield value


_URL = re.compile(r"https?://[^\s<]+")
_TRAILING = ".,;:!?)"


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def to_html(subject, escaped_body, branding=None, organization_name=None, links=None):
    """Paragraphs and clickable links from the escaped body (staff write text, never HTML), under
    the organization's logo and accent colour when it has them. With `links` (escaped URLs), only
    those become links: what the template's author wrote and the links we made."""
    paragraphs = [p.replace("\n", "<br>\n") for p in re.split(r"\n\s*\n", escaped_body) if p.strip()]
    body = "\n".join(f"<p>{_URL.sub(lambda m: _link(m, links), p)}</p>" for p in paragraphs)
    branding = branding or {}
    accent = branding.get("accent_color") if _COLOUR.match(branding.get("accent_color") or "") else None
    head = ""
    if (branding.get("logo_url") or "").startswith(("http://", "https://")):
        alt = html.escape(organization_name or "", quote=True)
        head = (f"<p><img src=\"{html.escape(branding['logo_url'], quote=True)}\" alt=\"{alt}\" "
                "style=\"max-height: 56px; max-width: 240px\"></p>\n")
    border = f" border-top: 4px solid {accent}; padding-top: 12px;" if accent else ""
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(subject)}</title></head>\n"
            f"<body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2933;{border}\">\n"
            f"{head}{body}\n</body></html>\n")


def _link(match, links=None):
    url = match.group(0)
    trail = ""
    while url and url[-1] in _TRAILING:
        url, trail = url[:-1], url[-1] + trail
    if links is not None and url not in links:
        return match.group(0)
    return f'<a href="{url}">{url}</a>{trail}'
