# The trace test runs the gateway and a nameko service in this process: eventlet patches first.
# Collected by `make test-services` (patched), never by `make test-system`.
import eventlet

eventlet.monkey_patch()

pytest_plugins = ["portico_kit.testing.plugin"]
