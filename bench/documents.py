"""Documents, in one run against a local stack:

- PDFs per second for a 10-line invoice: the same HTML rendered to a string (the baseline), that
  HTML laid out by WeasyPrint (cold: what a changed invoice costs), and the PDF asked for again
  through the gateway (cached: the stored PDF by its content hash);
- what a PDF costs over the bus: an RPC answering with 1 KB, 200 KB and 1 MB base64-encoded.
"""
import statistics
import time
from types import SimpleNamespace

from nameko.standalone.rpc import ClusterRpcProxy

from documents import render, sources

from .events import _spawn, _wait_for_count

LINES = [{"description": f"Consulting, week {n}", "quantity": "8", "rate": "95.00", "tax_rate": "19"}
         for n in range(1, 11)]


def _per_second(fn, count=None, seconds=None):
    """Calls per second of fn over `count` calls (or as many as fit in `seconds`)."""
    started, done = time.monotonic(), 0
    while (count is not None and done < count) or (seconds is not None and time.monotonic() - started < seconds):
        fn()
        done += 1
    return done / (time.monotonic() - started)


def prepare(api, token):
    api.json("PATCH", "/api/v1/organization", token, json={
        "address": {"street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE"}})
    customer = api.create_customer(token, display_name="Bench Customer GmbH", currency="EUR",
                                   billing_address={"street": "1 Rue de Rivoli", "city": "Paris", "country": "FR"})
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201,
                       json={"customer_id": customer["id"], "line_items": LINES})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    return invoice


def rendering(stack, api, token, invoice, amqp_uri, seconds):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=120) as cluster:
        actor = cluster.accounts.authenticate(token)
        services = SimpleNamespace(billing=cluster.billing, customers=cluster.customers, accounts=cluster.accounts)
        source = sources.build(services, actor, "invoice", invoice["id"], {})
    markup = render.html(source.template, source.context)
    html_rate = _per_second(lambda: render.html(source.template, source.context), seconds=seconds)
    render._write_pdf(markup, None)  # fonts and layout code warmed up, as in a running service
    cold_rate = _per_second(lambda: render._write_pdf(markup, None), seconds=seconds)
    url = f"/api/v1/invoices/{invoice['id']}/pdf"
    api.request("GET", url, token, expect=200)  # rendered once and stored
    cached_rate = _per_second(lambda: api.request("GET", url, token, expect=200), seconds=seconds)
    return {"html_per_s": html_rate, "cold_pdf_per_s": cold_rate, "cached_pdf_per_s": cached_rate,
            "cold_to_html": cold_rate / html_rate, "cached_to_html": cached_rate / html_rate,
            "pdf_bytes": len(render._write_pdf(markup, None))}


def bus_cost(amqp_uri, calls=40):
    """Median round trip (ms) of an RPC answering with 1 KB, 200 KB and 1 MB of base64 PDF."""
    process = _spawn("bench.blob_service:BenchBlob", {"AMQP_URI": amqp_uri})
    try:
        _wait_for_count(amqp_uri, "bench_blob", 0, timeout=60)
        result = {}
        with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=60) as cluster:
            for label, size in (("1kb", 1024), ("200kb", 200 * 1024), ("1mb", 1024 * 1024)):
                cluster.bench_blob.blob(size)  # made once, so only the transfer is timed
                times = []
                for _ in range(calls):
                    started = time.monotonic()
                    cluster.bench_blob.blob(size)
                    times.append((time.monotonic() - started) * 1000)
                result[f"{label}_ms"] = statistics.median(times)
        result["200kb_to_1kb"] = result["200kb_ms"] / result["1kb_ms"]
        return result
    finally:
        process.terminate()
        process.wait(timeout=15)


def report(rendering_result, bus):
    r = rendering_result
    print(f"\n{'10-line invoice':<30}{'per s':>10}{'vs HTML':>9}")
    print(f"{'HTML to a string (baseline)':<30}{r['html_per_s']:>10.1f}{1:>9.2f}")
    print(f"{'PDF, cold (WeasyPrint)':<30}{r['cold_pdf_per_s']:>10.1f}{r['cold_to_html']:>9.3f}")
    print(f"{'PDF, cached (via gateway)':<30}{r['cached_pdf_per_s']:>10.1f}{r['cached_to_html']:>9.3f}")
    print(f"\n{'over the bus (base64 in JSON)':<30}{'median ms':>10}")
    for label in ("1kb", "200kb", "1mb"):
        print(f"{label:<30}{bus[label + '_ms']:>10.1f}")
    print(f"a 200 KB PDF costs {bus['200kb_to_1kb']:.1f}x a 1 KB answer")
