"""What the documents service accepts (kinds and statement periods) and the shape of a PDF it returns."""
import base64

from portico_kit.errors import Invalid

KINDS = ("invoice", "quote", "receipt", "statement")
STATEMENT_PARAMS = ("from", "to", "currency")


def check_kind(kind):
    if kind not in KINDS:
        raise Invalid(code="invalid_document_kind", message="The document is an invoice, quote, receipt or statement.",
                      fields={"kind": "invoice, quote, receipt or statement"})
    return kind


def check_params(kind, params):
    """Only a statement takes parameters (its period and currency), as strings."""
    params = params or {}
    if not isinstance(params, dict):
        raise Invalid(message="Parameters must be an object.", fields={"params": "An object."})
    allowed = STATEMENT_PARAMS if kind == "statement" else ()
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise Invalid(message="Unknown parameters.", fields={name: "Unknown parameter." for name in unknown})
    for name, value in params.items():
        if value is not None and (not isinstance(value, str) or len(value) > 20):
            raise Invalid(message="Parameters are short strings.", fields={name: "A short string."})
    return {name: value for name, value in params.items() if value}


def pdf_dict(filename, content, cached, facturx=False):
    """A PDF crossing the bus: base64 in the JSON message (see docs/documents.md for what it costs)."""
    return {"filename": filename, "content_type": "application/pdf", "size": len(content),
            "content_base64": base64.b64encode(content).decode("ascii"), "cached": cached, "facturx": facturx}
