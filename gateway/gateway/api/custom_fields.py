"""Custom field definitions of the organization: Settings → Custom fields."""
from flask import Blueprint, g, jsonify

from ..auth import staff_api
from ..calls import call, json_body

bp = Blueprint("api_custom_fields", __name__, url_prefix="/api/v1/settings/custom-fields")


@bp.get("")
@staff_api
def list_custom_fields():
    items = call("customers", "list_custom_fields", g.actor)
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@bp.post("")
@staff_api
def create_custom_field():
    return jsonify(call("customers", "create_custom_field", g.actor, json_body())), 201


@bp.patch("/<key>")
@staff_api
def update_custom_field(key):
    return jsonify(call("customers", "update_custom_field", g.actor, key, json_body()))


@bp.delete("/<key>")
@staff_api
def delete_custom_field(key):
    return jsonify(call("customers", "delete_custom_field", g.actor, key))
