"""Test helpers shared by the services' and the system's test suites (real broker, databases, SMTP)."""
