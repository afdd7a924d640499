"""What the staff and portal statement pages share: the statement for the asked period, or (for a
period that makes no sense) this month's with the errors next to the period fields."""
from flask import g, request

from portico_kit.errors import ServiceError

from ..documents import statement_params
from ..calls import call
from .forms import field_errors


def statement_for(customer_id):
    """(statement, errors, message)."""
    params = statement_params(request.args)
    try:
        return call("billing", "get_statement", g.actor, customer_id, params["from"], params["to"],
                    params["currency"]), {}, None
    except ServiceError as exc:
        if exc.status != 422:
            raise
        errors = field_errors(exc)
        statement = call("billing", "get_statement", g.actor, customer_id, None, None, None)
        return statement, errors, exc.message


def pdf_args(statement):
    return {"from": statement["from"], "to": statement["to"], "currency": statement["currency"]}
