# These tests run nameko containers in-process: eventlet must patch before anything else.
import eventlet

eventlet.monkey_patch()

pytest_plugins = ["portico_kit.testing.plugin"]
