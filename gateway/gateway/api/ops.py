"""Health, readiness and metrics for ops.

`/healthz` and the bare status of `/readyz` are public (load balancers and orchestrators ask them);
which services answer and the per-route numbers of `/metrics` tell an outsider how the system is
built and used, so with `OPS_TOKEN` set they need `Authorization: Bearer <OPS_TOKEN>`.
"""
from flask import Blueprint, Response, current_app, jsonify

from portico_kit.security import same

from .. import metrics
from ..calls import bearer_token, settings
from ..errors import json_error

bp = Blueprint("ops", __name__)


def ops_allowed():
    token = settings().ops_token
    return not token or same(bearer_token() or "", token)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    rpc = current_app.extensions["portico.rpc"]
    status = rpc.ping_all(settings().services, settings().ready_timeout)
    missing = sorted(name for name, state in status.items() if state != "ok")
    body = {"status": "ready" if not missing else "not_ready"}
    if ops_allowed():  # the details: for ops only once OPS_TOKEN is set
        body["services"] = status
        if missing:
            body["error"] = {"code": "service_unavailable",
                             "message": f"Not answering: {', '.join(missing)}.", "missing": missing}
    elif missing:
        body["error"] = {"code": "service_unavailable", "message": "Not every service is answering."}
    return jsonify(body), 503 if missing else 200


@bp.get("/metrics")
def prometheus():
    if not ops_allowed():
        response = json_error(401, "unauthorized", "Send Authorization: Bearer <OPS_TOKEN>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="portico-ops"'
        return response
    payload, content_type = metrics.render()
    return Response(payload, content_type=content_type)
