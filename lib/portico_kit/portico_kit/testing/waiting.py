"""Wait for what a test expects to happen, never for the clock."""
import eventlet


def wait_until(check, timeout=20, interval=0.05):
    """check() until it returns something truthy (returned); AssertionError after `timeout` seconds.

    eventlet.sleep lets the services' green threads run meanwhile (the services' tests are patched).
    """
    for _ in range(int(timeout / interval)):
        result = check()
        if result:
            return result
        eventlet.sleep(interval)
    raise AssertionError("condition not met in time")
