"""HTML pages: the staff app (/app) and the customer portal (/portal/<portal_name>)."""
