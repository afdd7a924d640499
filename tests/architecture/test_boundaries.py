"""The rules of the house that code review alone would let slip."""
import ast
import os
import re
from importlib import metadata

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICES = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                  if os.path.isdir(os.path.join(ROOT, "services", d, d)))


def imported_top_level_modules(folder):
    found = set()
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name)) as fh:
                    tree = ast.parse(fh.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        found.update(alias.name.split(".")[0] for alias in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_never_imports_another_services_code(service):
    package = os.path.join(ROOT, "services", service, service)
    others = (set(SERVICES) - {service}) | {"gateway", "devstack"}
    assert imported_top_level_modules(package) & others == set()


def test_the_gateway_imports_no_service_code():
    assert imported_top_level_modules(os.path.join(ROOT, "gateway", "gateway")) & set(SERVICES) == set()


def test_the_kit_knows_no_service():
    kit = os.path.join(ROOT, "lib", "portico_kit", "portico_kit")
    assert imported_top_level_modules(kit) & (set(SERVICES) | {"gateway"}) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_shape(service):
    base = os.path.join(ROOT, "services", service)
    for path in ("Dockerfile", "pyproject.toml", f"{service}/service.py", f"{service}/models.py",
                 f"{service}/schemas.py", f"{service}/events.py", f"{service}/migrations/env.py",
                 "tests/test_migrations.py"):
        assert os.path.exists(os.path.join(base, path)), f"{service}: {path} missing"
    assert os.listdir(os.path.join(base, service, "migrations", "versions")), f"{service}: no migrations"


def test_one_constraints_file_pins_every_installed_dependency():
    with open(os.path.join(ROOT, "constraints.txt")) as fh:
        pins = dict(re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip()).groups()
                    for line in fh if re.match(r"[A-Za-z0-9_.-]+==", line.strip()))
    pins = {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in pins.items()}
    unpinned = []
    for dist in metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        vendored = "_vendor" in str(getattr(dist, "_path", ""))  # copies inside setuptools, not installs
        if name.startswith("portico-") or name in ("pip", "wheel") or vendored:
            continue
        if pins.get(name) != dist.version:
            unpinned.append(f"{name}=={dist.version} (constraints: {pins.get(name)})")
    assert unpinned == []


def _imports_of(package, module):
    names = set()
    for dirpath, _, files in os.walk(package):
        for filename in files:
            if filename.endswith(".py"):
                with open(os.path.join(dirpath, filename)) as fh:
                    for node in ast.walk(ast.parse(fh.read())):
                        if isinstance(node, ast.ImportFrom) and node.module == module:
                            names.update(f"{os.path.relpath(os.path.join(dirpath, filename), ROOT)}: {a.name}"
                                         for a in node.names)
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_services_answer_rpc_through_the_kit_so_a_lost_reply_never_kills_them(service):
    assert _imports_of(os.path.join(ROOT, "services", service, service), "nameko.rpc") == set()


@pytest.mark.parametrize("service", SERVICES)
def test_services_consume_events_only_through_the_kits_on_event(service):
    """One way to consume: durable, pooled, requeued after a pause only for a passing failure, and
    an ack the broker cannot take (a restart) is not fatal."""
    package = os.path.join(ROOT, "services", service, service)
    assert {i for i in _imports_of(package, "nameko.events") if i.endswith(": event_handler")} == set()
