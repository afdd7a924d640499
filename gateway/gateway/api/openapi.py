"""GET /api/v1/openapi.json: the spec, assembled from one YAML file per area (gateway/openapi/)."""
import copy
import functools
import glob
import os
import re

import yaml
from flask import Blueprint, current_app, jsonify

from ..calls import settings

bp = Blueprint("openapi", __name__)
SPEC_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "openapi")


@functools.lru_cache(maxsize=1)
def load_spec():
    """base.yaml plus the paths and components of every other file, merged."""
    with open(os.path.join(SPEC_DIR, "base.yaml")) as fh:
        spec = yaml.safe_load(fh)
    for path in sorted(glob.glob(os.path.join(SPEC_DIR, "*.yaml"))):
        if os.path.basename(path) == "base.yaml":
            continue
        with open(path) as fh:
            part = yaml.safe_load(fh) or {}
        for route, operations in (part.get("paths") or {}).items():
            spec["paths"].setdefault(route, {}).update(operations)
        for section, items in (part.get("components") or {}).items():
            spec["components"].setdefault(section, {}).update(items)
    return spec


def idempotent_posts(app):
    """The spec paths of every POST that gateway/idempotency.py remembers by Idempotency-Key
    (behind @staff_api / @portal_api, not keyed by the view itself, as card payments are)."""
    paths = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if "POST" in rule.methods and getattr(view, "takes_idempotency_key", False) \
                and not getattr(view, "own_idempotency", False):
            paths.add(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule))
    return paths


@bp.get("/api/v1/openapi.json")
def openapi_json():
    spec = copy.deepcopy(load_spec())
    spec["servers"] = [{"url": settings().public_url}]
    for path in idempotent_posts(current_app):
        operation = spec["paths"].get(path, {}).get("post")
        if operation is not None:
            operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/idempotency_key"})
    return jsonify(spec)
