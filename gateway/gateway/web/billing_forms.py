"""Billing forms without JavaScript: HTML form fields <-> the billing service's input shapes.

Line items are rows named `line_items.<row>.<field>` so an error the service reports as
`line_items.<index>.<field>` lands next to its input (blank rows are skipped, so indexes are mapped
back to rows). "Add line" re-renders the form with one more row.
"""
from portico_kit.i18n import N_

from .forms import checkbox, optional

LINE_FIELDS = ("description", "quantity", "rate", "discount", "tax_rate")
BLANK_ROWS = 3
MAX_ROWS = 200  # the service's own limit; it also bounds what a crafted line_count can ask for
PAYMENT_MODES = (("bank_transfer", N_("Bank transfer")), ("cash", N_("Cash")), ("cheque", N_("Cheque")),
                 ("card", N_("Card")), ("other", N_("Other")))

# What differs between an invoice and a quote on the staff pages.
# labels are marked for translation (N_) and translated where shown: _(doc.label) in templates
DOCS = {
    "invoice": {"type": "invoice", "plural": "invoices", "label": N_("Invoice"), "title": N_("Invoices"),
                "end_field": "due_date", "end_label": N_("Due date"), "none_yet": N_("No invoices yet."),
                "your": N_("Your invoices"), "new": N_("New invoice"), "edit": N_("Edit invoice %(number)s"),
                "save": N_("Save invoice"), "saved": N_("Invoice %(number)s saved."),
                "shared": N_("%(organization)s shared this invoice with you. It is read-only."),
                "shared_until": N_("%(organization)s shared this invoice with you. It is read-only and can be viewed until %(date)s."), "no_match": N_("No invoice matches these filters."),
                "void": N_("Void invoice"), "delete": N_("Delete invoice"),
                "void_question": N_("Void invoice %(number)s?"), "delete_question": N_("Delete invoice %(number)s?"),
                "removed": N_("The invoice and its comments are removed. This cannot be undone."),
                "statuses": ("draft", "sent", "partially_paid", "paid", "overdue", "void")},
    "quote": {"type": "quote", "plural": "quotes", "label": N_("Quote"), "title": N_("Quotes"),
              "end_field": "expiry_date", "end_label": N_("Expiry date"), "none_yet": N_("No quotes yet."),
              "your": N_("Your quotes"), "new": N_("New quote"), "edit": N_("Edit quote %(number)s"),
              "save": N_("Save quote"), "saved": N_("Quote %(number)s saved."),
              "shared": N_("%(organization)s shared this quote with you. It is read-only."),
              "shared_until": N_("%(organization)s shared this quote with you. It is read-only and can be viewed until %(date)s."), "no_match": N_("No quote matches these filters."),
              "void": N_("Void quote"), "delete": N_("Delete quote"),
              "void_question": N_("Void quote %(number)s?"), "delete_question": N_("Delete quote %(number)s?"),
              "removed": N_("The quote and its comments are removed. This cannot be undone."),
              "statuses": ("draft", "sent", "accepted", "declined", "expired", "invoiced")},
}


def row_count(form):
    try:
        count = int(form.get("line_count", BLANK_ROWS))
    except ValueError:
        count = BLANK_ROWS
    return min(max(count, 1), MAX_ROWS)


def rows_from_form(form):
    return [{name: form.get(f"line_items.{i}.{name}", "").strip() for name in LINE_FIELDS}
            for i in range(row_count(form))]


def rows_from_document(document):
    rows = [{name: str(line.get(name) or "") for name in LINE_FIELDS} for line in document["line_items"]]
    return rows + [dict.fromkeys(LINE_FIELDS, "")]


def blank_rows(count=BLANK_ROWS):
    return [dict.fromkeys(LINE_FIELDS, "") for _ in range(count)]


def document_body(form, doc):
    """(body for create/update, row of each submitted line) from the posted form."""
    body = {"customer_id": form.get("customer_id", ""), "notes": form.get("notes", "").strip()}
    for name in ("date", doc["end_field"], "currency"):
        if optional(form, name):
            body[name] = optional(form, name).upper() if name == "currency" else optional(form, name)
    lines, row_of = [], []
    for row, values in enumerate(rows_from_form(form)):
        if not any(values.values()):
            continue  # an untouched blank row is not a line
        line = {"description": values["description"], "quantity": values["quantity"], "rate": values["rate"]}
        for name in ("discount", "tax_rate"):
            if values[name]:
                line[name] = values[name]
        lines.append(line)
        row_of.append(row)
    body["line_items"] = lines
    return body, row_of


def rows_errors(errors, row_of):
    """Service indexes (blank rows skipped) -> form rows: line_items.1.rate -> line_items.3.rate."""
    mapped = {}
    for key, message in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "line_items" and parts[1].isdigit() and int(parts[1]) < len(row_of):
            key = f"line_items.{row_of[int(parts[1])]}.{parts[2]}"
        mapped[key] = message
    return mapped


def form_from_document(document, doc):
    return {"customer_id": document["customer_id"], "date": document["date"],
            doc["end_field"]: document.get(doc["end_field"]) or "", "currency": document["currency"],
            "notes": document.get("notes") or ""}


def payment_body(form, invoice, reviews_enabled):
    body = {"customer_id": invoice["customer_id"], "invoice_id": invoice["id"],
            "amount": form.get("amount", "").strip(), "mode": form.get("mode", "")}
    for name in ("date", "reference"):
        if optional(form, name):
            body[name] = optional(form, name)
    if reviews_enabled:
        body["request_review"] = checkbox(form, "request_review")
    return body


def card_payment(form):
    """The portal's Pay form -> pay_invoice's data; the card only travels to the service."""
    data = {"card": {"number": "".join(form.get("card_number", "").split()),
                     "exp_month": form.get("exp_month", "").strip(), "exp_year": form.get("exp_year", "").strip(),
                     "cvc": form.get("cvc", "").strip()}}
    if optional(form, "amount"):
        data["amount"] = optional(form, "amount")
    for name in ("exp_month", "exp_year"):  # the contract's numbers; leave a non-number to the service's 422
        if data["card"][name].isdigit():
            data["card"][name] = int(data["card"][name])
    return data


def card_errors(errors):
    """card.number -> card_number, so the error sits next to the input of that name."""
    names = {"card.number": "card_number", "card.exp_month": "exp_month", "card.exp_year": "exp_year",
             "card.cvc": "cvc", "card": "card_number"}
    return {names.get(key, key): message for key, message in errors.items()}


def project_body(form):
    body = {"customer_id": form.get("customer_id", ""), "name": form.get("name", "").strip(),
            "description": form.get("description", "").strip(), "billing_method": form.get("billing_method", "")}
    field = {"fixed_cost": "fixed_cost", "hourly": "hourly_rate"}.get(body["billing_method"])
    if field:
        body[field] = form.get(field, "").strip()
    if optional(form, "budget_hours"):
        body["budget_hours"] = optional(form, "budget_hours")
    return body


def time_entry_body(form):
    body = {"date": form.get("date", "").strip(), "hours": form.get("hours", "").strip(),
            "description": form.get("description", "").strip(), "billable": checkbox(form, "billable")}
    return body
