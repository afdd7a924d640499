"""Rendering invoices, quotes, receipts and statements to PDF (and the same HTML for the print view)."""
