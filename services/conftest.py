# Service tests run nameko containers in this process: eventlet must patch before anything else.
import eventlet

eventlet.monkey_patch()

pytest_plugins = ["portico_kit.testing.plugin"]
