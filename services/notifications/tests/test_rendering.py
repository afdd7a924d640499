"""The sandbox and the two parts, as units (no broker)."""
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from notifications import rendering
from notifications.contexts import day, money, moment
from notifications.defaults import DEFAULTS
from notifications.kinds import KINDS, sample
from notifications.models import Base, EmailTemplate
from notifications.templates import render_email


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_default_passes_its_own_check_and_fills_every_placeholder(kind):
    context = sample(kind)
    rendering.check(DEFAULTS[kind]["subject"], DEFAULTS[kind]["body"], context, KINDS[kind].required)
    for name, _ in KINDS[kind].placeholders:  # each documented placeholder exists in the sample
        value = context
        for part in name.split("."):
            assert part in value, (kind, name)
            value = value[part]


def test_values_are_escaped_in_html_and_links_are_clickable():
    subject, text, html = rendering.render(
        "Hi {{ name }}", "{{ name }} wrote:\n\n{{ text }}\n\nSee {{ url }}.",
        {"name": "<Eve & Co>", "text": "<script>alert(1)</script>", "url": "https://x.test/a?b=1&c=2"})
    assert subject == "Hi <Eve & Co>" and "<script>" in text
    assert "&lt;script&gt;" in html and "<script>" not in html and "&lt;Eve &amp; Co&gt;" in html
    assert '<a href="https://x.test/a?b=1&amp;c=2">https://x.test/a?b=1&amp;c=2</a>.' in html


def test_a_subject_is_one_line_whatever_the_data():
    subject, _, _ = rendering.render("New: {{ title }}", "x", {"title": "one\r\nBcc: eve@evil.test\n two"})
    assert subject == "New: one Bcc: eve@evil.test two"


def test_missing_values_render_empty_when_sending():
    subject, text, _ = rendering.render("{{ a.b.c }}Hi", "{{ nothing }}|{{ document.number }}|", {"document": None})
    assert subject == "Hi" and text == "||\n"


@pytest.mark.parametrize("source", [
    "{{ (customer.name|replace('B', customer.name * 2)) }}",
    "{{ 'x'|replace('x', 'xxxxxxxxxxxxxxxxxxxx')|replace('x', 'xxxxxxxxxxxxxxxxxxxx')"
    "|replace('x', 'xxxxxxxxxxxxxxxxxxxx')|replace('x', 'xxxxxxxxxxxxxxxxxxxx') }}",
    "{{ 2 ** 1000 }}",
    "{{ '%99999999s' % 'x' }}",
    "{{ customer.name.__class__.__base__.__subclasses__() }}",
    "{{ self.__init__ }}",
    "{% macro m() %}{% endmacro %}",
    "{% set x = 1 %}",
    "{% extends 'base' %}",
    "{% with a = 1 %}{% endwith %}",
    "{{ lipsum(100000) }}",
    "{{ range(10) }}",
])
def test_nothing_that_reaches_internals_or_eats_the_machine_is_accepted(source):
    with pytest.raises(rendering.TemplateProblem):
        rendering.check("s", source, sample("invoice_sent"))


def test_errors_name_their_line():
    with pytest.raises(rendering.TemplateProblem) as err:
        rendering.check("s", "one\ntwo\nthree {{ customer.nope }}", sample("invoice_sent"))
    assert (err.value.field, err.value.line) == ("body", 3)
    assert err.value.describe() == "Line 3: Unknown placeholder: customer.nope."


def test_a_saved_template_that_fails_on_real_data_falls_back_to_the_default():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(EmailTemplate(org_id="o1", kind="review_request", subject="Rate us, {{ customer.name }}",
                                  body="{{ review_url }} {{ 100 / customer.rating }}"))
        session.commit()
        context = dict(sample("review_request"), customer={"name": "Bob", "rating": 0})
        subject, text, _ = render_email(session, "o1", "review_request", context)
        assert subject == "How did we do? Acme Design would love your review"  # the default, not nothing
        context["customer"]["rating"] = 4
        assert render_email(session, "o1", "review_request", context)[1].endswith("25.0\n")
        assert render_email(session, "o2", "review_request", context)[0].startswith("How did we do?")


def test_formats():
    assert day("2026-12-02") == "December 2, 2026" and day(None) == "" and day("soon") == "soon"
    assert moment("2026-12-02T10:00:00Z") == "December 2, 2026, 10:00\u202fAM UTC"
    assert money("1250.00", "EUR") == "€1,250.00" and money("1000", "JPY") == "¥1,000"
    assert money(None, "EUR") == ""


def test_the_activity_email_links_staff_to_the_document_in_the_staff_app():
    _, text, _ = rendering.render(DEFAULTS["portal_activity"]["subject"], DEFAULTS["portal_activity"]["body"],
                                  sample("portal_activity"))
    assert "Quote QT-000007:\nhttps://portico.example/app/quotes/sample-quote" in text
    no_document = dict(sample("portal_activity"), document=None)
    _, text, _ = rendering.render(DEFAULTS["portal_activity"]["subject"], DEFAULTS["portal_activity"]["body"],
                                  no_document)
    assert "/app/quotes/" not in text and "Customer:" in text


def test_only_links_we_made_or_the_author_wrote_become_clickable():
    """Finding 3: a name a customer typed (a forwarded document's recipient) never becomes a link."""
    body = ("Hello {{ recipient.name }},\n\n{{ sender.name }} forwarded you this: {{ view_url }}\n\n"
            "Questions? https://acme.example/help")
    _, text, html = rendering.render("x", body, {
        "recipient": {"name": "URGENT verify at https://evil.example/login"}, "sender": {"name": "Bob"},
        "view_url": "https://portico.example/portal/acme/shared/T"})
    assert "https://evil.example/login" in text and 'href="https://evil.example' not in html
    assert '<a href="https://portico.example/portal/acme/shared/T">' in html
    assert '<a href="https://acme.example/help">' in html


def test_the_forwarded_email_says_who_forwarded_it():
    _, text, _ = rendering.render(DEFAULTS["document_forwarded"]["subject"], DEFAULTS["document_forwarded"]["body"],
                                  sample("document_forwarded"))
    sender = sample("document_forwarded")["sender"]
    assert f"{sender['name']} ({sender['email']}, " in text


def _peak_memory_of(fn):
    import tracemalloc
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("source", [
    # finding 6: the probe's preview took a worker from 141 MB to 399 MB before being refused
    "{{ (customer.name|replace('', '" + "x" * 1500 + "'))|replace('', '" + "y" * 18000 + "') }}",
    "{{ customer.name|replace('', '" + "y" * 18000 + "') }}",
    # many filters each under the cap, together far over what one email may make
    "{{ (customer.name|replace('', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'))|replace('x', 'yyyyyyyyyy') }}" * 200,
    "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
])
def test_a_template_that_would_make_huge_text_is_refused_while_it_renders(source):
    context = sample("invoice_sent")

    def attempt():
        with pytest.raises(rendering.TemplateProblem):
            rendering.check("s", source, context)
    assert _peak_memory_of(attempt) < 20 * 1024 * 1024


def test_rendering_stops_at_its_time_limit(monkeypatch):
    monkeypatch.setattr(rendering, "MAX_RENDER_SECONDS", 0.0)
    with pytest.raises(rendering.TemplateProblem) as err:
        rendering.check("s", "{{ customer.name|upper }}", sample("invoice_sent"))
    assert "too long" in err.value.message
