"""Checked contracts between the gateway and the services, found here rather than end to end.

Every `call("service", "method", ...)` in the gateway must name an @rpc method of that service and
bind to its signature; every event a service declares it dispatches must be in docs/events.md.
(The gateway's unit tests use a fake RPC layer that accepts any arguments: this is what keeps it honest.
Calls whose method name is built at run time, f"get_{doc_type}", are checked end to end only.)
"""
import ast
import importlib
import inspect
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICES = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                  if os.path.isdir(os.path.join(ROOT, "services", d, d)))


def gateway_calls():
    """(service, method, positional count, keyword names, has *args/**kwargs, where) per literal call."""
    found = []
    folder = os.path.join(ROOT, "gateway", "gateway")
    for dirpath, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(dirpath, name)
            with open(path) as fh:
                tree = ast.parse(fh.read())
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "call"
                        and len(node.args) >= 2 and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                    continue
                rest = node.args[2:]
                starred = any(isinstance(a, ast.Starred) for a in rest) or any(k.arg is None for k in node.keywords)
                found.append((node.args[0].value, node.args[1].value, len(rest), [k.arg for k in node.keywords if k.arg],
                              starred, f"{os.path.relpath(path, ROOT)}:{node.lineno}"))
    return found


def service_class(service):
    module = importlib.import_module(f"{service}.service")
    [cls] = [c for c in vars(module).values() if inspect.isclass(c) and getattr(c, "name", None) == service]
    return cls


def rpc_methods(cls):
    return {name: fn for name, fn in inspect.getmembers(cls, inspect.isfunction)
            if any(type(e).__name__ == "Rpc" for e in getattr(fn, "nameko_entrypoints", ()))}


CALLS = gateway_calls()


def test_the_gateway_calls_are_found():
    assert len(CALLS) > 150 and {c[0] for c in CALLS} >= {"accounts", "billing", "customers", "portal"}


@pytest.mark.parametrize("service", SERVICES)
def test_every_gateway_call_binds_to_the_services_rpc_method(service):
    methods = rpc_methods(service_class(service))
    drift = []
    for svc, method, positional, keywords, starred, where in CALLS:
        if svc != service:
            continue
        if method not in methods:
            drift.append(f"{where}: {service}.{method} is not an @rpc method of {service}")
            continue
        if starred:
            continue
        signature = inspect.signature(methods[method])
        # `timeout=` is the gateway RPC client's own (gateway/rpc.py), never passed to the method
        keywords = [k for k in keywords if k != "timeout"]
        try:
            signature.bind(None, *([None] * positional), **{k: None for k in keywords})  # None for self
        except TypeError as exc:
            drift.append(f"{where}: {service}.{method}{signature} called with {positional} arguments"
                         f"{' and ' + ', '.join(keywords) if keywords else ''}: {exc}")
    assert drift == []


def test_every_dispatched_event_is_documented():
    with open(os.path.join(ROOT, "docs", "events.md")) as fh:
        documented = set(re.findall(r"`([a-z_]+)`", fh.read()))
    missing = []
    for service in SERVICES:  # the event names each service's events.py defines (EVENT_NAME = "event_name")
        with open(os.path.join(ROOT, "services", service, service, "events.py")) as fh:
            tree = ast.parse(fh.read())
        for node in tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str) and re.fullmatch(r"[a-z_]+", node.value.value)
                    and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
                    and node.value.value not in documented):
                missing.append(f"{service}.{node.value.value}")
    assert missing == []
