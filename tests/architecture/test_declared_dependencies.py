"""Every package declares what it imports: an image installs only the declared dependencies.

(The shared venv of `make dev` hides a missing one; a container does not.)
"""
import ast
import os
import re
import sys
from importlib import metadata

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICES = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                  if os.path.isdir(os.path.join(ROOT, "services", d, d)))
PACKAGES = {f"portico-{name}": os.path.join(ROOT, "services", name, name) for name in SERVICES}
PACKAGES.update({"portico-kit": os.path.join(ROOT, "lib", "portico_kit", "portico_kit"),
                 "portico-gateway": os.path.join(ROOT, "gateway", "gateway")})


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def imported(folder):
    found = set()
    for dirpath, _, files in os.walk(folder):
        if "testing" in dirpath.split(os.sep):
            continue  # test helpers (portico_kit.testing) run with requirements-dev.txt
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name)) as fh:
                    for node in ast.walk(ast.parse(fh.read())):
                        if isinstance(node, ast.Import):
                            found.update(alias.name.split(".")[0] for alias in node.names)
                        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names)


def installable(dist_name, seen=None):
    """The distribution and everything it requires, as pip would install them."""
    seen = set() if seen is None else seen
    name = canonical(dist_name)
    if name in seen:
        return seen
    seen.add(name)
    try:
        requires = metadata.requires(dist_name) or []
    except metadata.PackageNotFoundError:
        return seen
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        installable(re.match(r"[A-Za-z0-9_.-]+", requirement).group(0), seen)
    return seen


@pytest.mark.parametrize("dist", sorted(PACKAGES))
def test_every_imported_module_comes_from_a_declared_dependency(dist):
    providers = metadata.packages_distributions()
    available = installable(dist)
    own = os.path.basename(PACKAGES[dist])
    missing = {}
    for module in imported(PACKAGES[dist]) - {own}:
        dists = {canonical(d) for d in providers.get(module, [])}
        if module == "portico_kit":
            dists = {"portico-kit"}
        if not dists & available:
            missing[module] = sorted(dists)
    assert missing == {}, f"{dist}: add to its pyproject.toml dependencies: {missing}"


def test_the_kit_ships_no_test_tools():
    """Every image installs the kit: the SMTP catcher and HTTP client of its testing helpers are an extra."""
    direct = {canonical(re.match(r"[A-Za-z0-9_.-]+", r).group(0))
              for r in metadata.requires("portico-kit") or [] if "extra ==" not in r}
    assert direct & {"aiosmtpd", "requests", "pyyaml", "pytest"} == set()
    testing = {canonical(re.match(r"[A-Za-z0-9_.-]+", r).group(0))
               for r in metadata.requires("portico-kit") or [] if 'extra == "testing"' in r}
    assert {"aiosmtpd", "requests"} <= testing
