"""billing: Invoices, quotes, payments, projects and time entries, comments on documents."""
