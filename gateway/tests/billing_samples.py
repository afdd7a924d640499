"""Billing answers for the page tests, shaped as docs/billing.md says."""
LINE = {"id": "l-1", "description": "Design work", "quantity": "10", "rate": "125.00", "discount": "0",
        "tax_rate": "19", "amount": "1250.00", "tax_amount": "237.50"}
INVOICE = {"id": "inv-1", "type": "invoice", "number": "INV-000001", "customer_id": "cu-1",
           "customer_name": "Bob's Bakery", "status": "sent", "date": "2026-11-01", "due_date": "2026-11-15",
           "currency": "EUR", "line_items": [LINE], "notes": "Thanks!", "subtotal": "1250.00",
           "tax_total": "237.50", "total": "1487.50", "amount_paid": "0.00", "balance_due": "1487.50",
           "quote_id": None, "sent_at": "2026-11-01T10:00:00Z", "voided_at": None,
           "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-01T10:00:00Z", "payments": []}
QUOTE = {"id": "qt-1", "type": "quote", "number": "QT-000001", "customer_id": "cu-1", "customer_name": "Bob's Bakery",
         "status": "sent", "date": "2026-11-01", "expiry_date": "2026-12-01", "currency": "EUR", "line_items": [LINE],
         "notes": "", "subtotal": "1250.00", "tax_total": "237.50", "total": "1487.50", "invoice_id": None,
         "decline_reason": None, "sent_at": "2026-11-01T10:00:00Z", "accepted_at": None, "declined_at": None,
         "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-01T10:00:00Z"}
PAYMENT = {"id": "pay-1", "invoice_id": "inv-1", "invoice_number": "INV-000001", "customer_id": "cu-1",
           "customer_name": "Bob's Bakery", "amount": "1487.50", "currency": "EUR", "date": "2026-11-02",
           "mode": "card", "reference": None, "source": "portal", "card": {"brand": "visa", "last4": "4242"},
           "created_at": "2026-11-02T10:00:00Z"}
COMMENT = {"id": "cm-1", "text": "When can we pay?", "author": {"kind": "customer", "name": "Bob"},
           "created_at": "2026-11-02T08:00:00Z"}
PROJECT = {"id": "pr-1", "customer_id": "cu-1", "customer_name": "Bob's Bakery", "name": "New shop front",
           "description": "Signage", "billing_method": "hourly", "fixed_cost": None, "hourly_rate": "80.00",
           "budget_hours": "40", "logged_hours": "12.5", "billed_hours": "8", "unbilled_hours": "4.5",
           "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-01T09:00:00Z"}
ENTRY = {"id": "te-1", "project_id": "pr-1", "date": "2026-11-03", "hours": "4.5", "description": "Sketches",
         "billable": True, "billed": False, "created_at": "2026-11-03T18:00:00Z"}
SUMMARY = {"currency": "EUR", "balance_due": "1487.50", "overdue_count": 1, "overdue_total": "1487.50",
           "open_quotes_count": 1, "unpaid_invoices": [dict(INVOICE, status="overdue")], "open_quotes": [QUOTE],
           "recent": [{"type": "invoice", "id": "inv-1", "number": "INV-000001", "status": "overdue",
                       "total": "1487.50", "currency": "EUR", "date": "2026-11-01"}],
           "balances": {"EUR": "1487.50"}}
CUSTOMER = {"id": "cu-1", "display_name": "Bob's Bakery", "company_name": "Bob's Bakery Ltd", "email": "bob@bake.test",
            "phone": None, "currency": "EUR", "contacts": [], "custom_fields": {},
            "billing_address": {"street": "1 Bread St", "city": "Lyon", "zip": "69001", "country": "FR"},
            "shipping_address": None}


def listing(*items):
    return {"items": list(items), "page": 1, "per_page": 25, "total": len(items)}
