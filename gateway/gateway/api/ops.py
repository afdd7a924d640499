"""Health, readiness and metrics for ops."""
from flask import Blueprint, Response, current_app, jsonify

from .. import metrics
from ..calls import settings

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    rpc = current_app.extensions["portico.rpc"]
    status = rpc.ping_all(settings().services, settings().ready_timeout)
    missing = sorted(name for name, state in status.items() if state != "ok")
    body = {"status": "ready" if not missing else "not_ready", "services": status}
    if missing:
        body["error"] = {"code": "service_unavailable",
                         "message": f"Not answering: {', '.join(missing)}.", "missing": missing}
    return jsonify(body), 503 if missing else 200


@bp.get("/metrics")
def prometheus():
    payload, content_type = metrics.render()
    return Response(payload, content_type=content_type)
