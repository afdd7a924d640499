"""GET /api/v1/openapi.json: the spec, assembled from one YAML file per area (gateway/openapi/)."""
import copy
import functools
import glob
import os

import yaml
from flask import Blueprint, jsonify

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


@bp.get("/api/v1/openapi.json")
def openapi_json():
    spec = copy.deepcopy(load_spec())
    spec["servers"] = [{"url": settings().public_url}]
    return jsonify(spec)
