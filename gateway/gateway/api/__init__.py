"""JSON API blueprints (bearer tokens, no cookies, so no CSRF)."""
