"""`make bench`, three measurements, each against a baseline taken in the same run:

1. gateway: requests/s and p50/p95 of GET /healthz (the gateway alone: the baseline), of the
   portal's GET /portal/<name>/api/v1/me (two RPCs behind it) and of its invoice list (session,
   then billing reading 20 sent invoices), on a fresh local stack;
2. events: events/s through a counting nameko handler (the baseline), through the Portico
   idempotent-consumer pattern, and turned into delivered emails by the notifications service;
3. documents: PDFs/s of a 10-line invoice, cold (WeasyPrint) and cached (through the gateway), as
   ratios to rendering the same HTML to a string; and what a PDF costs over the bus (1 KB, 200 KB, 1 MB).

Options: --only gateway|events|documents --duration SECONDS --concurrency N --events N --emails N --json PATH
"""
import argparse
import contextlib
import json
import os
import sys
import tempfile
import uuid

from devstack.client import Portico, invite_link
from devstack.supervisor import Stack, broker_problem, free_port
from portico_kit.testing import rabbit
from portico_kit.testing.smtp import MailCatcher, body_text

from . import documents, events, load


INVOICES = 20  # sent invoices of the benchmark's customer: one page of the portal's invoice list


def prepare(api, mail):
    """An organization, a customer with portal access and sent invoices, and its portal token."""
    suffix = uuid.uuid4().hex[:6]
    owner = api.signup(f"Bench Co {suffix}", f"bench-{suffix}@bench.test")
    email = f"customer-{suffix}@bench.test"
    customer = api.create_customer(owner["token"], display_name="Bench Customer", email=email, enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    for n in range(INVOICES):
        invoice = api.json("POST", "/api/v1/invoices", owner["token"], expect=201, json={
            "customer_id": customer["id"], "line_items": [
                {"description": f"Work {n}", "quantity": "3", "rate": "99.50", "tax_rate": "19"},
                {"description": "Materials", "quantity": "1", "rate": "12.00", "discount": "5"}]})
        api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", owner["token"])
    return api.portal_settings(owner["token"])["portal_name"], portal_token


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", choices=("gateway", "events", "documents"))
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--json", default=os.path.join("bench-results", "bench.json"))
    args = parser.parse_args(argv)

    problem = broker_problem(rabbit.broker_uri())
    if problem:
        print(problem, file=sys.stderr)
        return 1
    mail = MailCatcher().start()
    report, ok = {}, True
    try:
        if args.only in (None, "gateway"):
            report["gateway"] = bench_gateway(args, mail)
            ok = ok and all(report["gateway"][k]["errors"] == 0 for k in ("healthz", "portal_me", "portal_invoices"))
        if args.only in (None, "events"):
            report["events"] = bench_events(args, mail)
        if args.only in (None, "documents"):
            report["documents"] = bench_documents(args, mail)
    finally:
        mail.stop()
    os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump(dict(report, concurrency=args.concurrency, duration=args.duration), fh, indent=2)
    return 0 if ok else 1


def bench_events(args, mail):
    vhost = rabbit.create_vhost("bench_events")
    try:
        mail.messages.clear()
        result = events.run(rabbit.uri_for(vhost), mail, args.events, args.emails)
    finally:
        rabbit.delete_vhost(vhost)
    print(f"\n{'events':<28}{'events/s':>10}{'vs raw':>8}")
    print(f"{'raw nameko handler':<28}{result['raw_events_per_s']:>10.0f}{1:>8.2f}")
    print(f"{'idempotent (SQLite commit)':<28}{result['idempotent_events_per_s']:>10.0f}"
          f"{result['idempotent_to_raw']:>8.2f}")
    print(f"{'event -> delivered email':<28}{result['emails_per_s']:>10.0f}{result['email_to_raw']:>8.2f}")
    return result


@contextlib.contextmanager
def local_stack(mail, name):
    """A fresh stack of every service and the gateway on a vhost of its own: (stack, amqp_uri)."""
    vhost = rabbit.create_vhost(name)
    stack = Stack(tempfile.mkdtemp(prefix=f"portico-{name}-"), rabbit.uri_for(vhost), port=free_port(),
                  env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(mail.port), "LOG_LEVEL": "WARNING"})
    try:
        stack.migrate()
        stack.start()
        stack.wait_ready(90)
        yield stack, rabbit.uri_for(vhost)
    finally:
        stack.stop()
        rabbit.delete_vhost(vhost)


def bench_documents(args, mail):
    with local_stack(mail, "bench_documents") as (stack, amqp_uri):
        api = Portico(stack.url)
        suffix = uuid.uuid4().hex[:6]
        owner = api.signup(f"Bench Docs {suffix}", f"docs-{suffix}@bench.test")
        invoice = documents.prepare(api, owner["token"])
        seconds = max(args.duration / 2, 3)
        result = documents.rendering(stack, api, owner["token"], invoice, amqp_uri, seconds)
        result["bus"] = documents.bus_cost(amqp_uri)
    documents.report(result, result["bus"])
    return result


def bench_gateway(args, mail):
    with local_stack(mail, "bench") as (stack, _):
        api = Portico(stack.url)
        portal_name, portal_token = prepare(api, mail)
        print(f"load: {args.concurrency} concurrent clients, {args.duration:.0f}s per endpoint, "
              f"gateway: {stack.env['GATEWAY_WORKERS']} workers x {stack.env['GATEWAY_THREADS']} threads\n")
        results = {
            "healthz": load.run(stack.url + "/healthz", args.duration, args.concurrency),
            "portal_me": load.run(f"{stack.url}/portal/{portal_name}/api/v1/me", args.duration, args.concurrency,
                                  headers={"Authorization": f"Bearer {portal_token}"}),
            "portal_invoices": load.run(f"{stack.url}/portal/{portal_name}/api/v1/invoices", args.duration,
                                        args.concurrency, headers={"Authorization": f"Bearer {portal_token}"}),
        }

    print(f"{'endpoint':<16}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
    for name, r in results.items():
        print(f"{name:<16}{r['rps']:>10.0f}{r['p50_ms']:>10.1f}{r['p95_ms']:>10.1f}{r['errors']:>8}")
    baseline = results["healthz"]["rps"]
    for name in ("portal_me", "portal_invoices"):
        ratio = results[name]["rps"] / baseline if baseline else 0
        results[f"ratio_{name}_to_healthz_rps"] = ratio
        print(f"{name} throughput is {ratio:.2f}x /healthz (same run, same machine)")
    return results


if __name__ == "__main__":
    sys.exit(main())
