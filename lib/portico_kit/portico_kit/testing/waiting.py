"""Wait for what a test expects to happen, never for the clock."""
import time

import eventlet


def wait_until(check, timeout=20, interval=0.05, what="condition"):
    """check() until it returns something truthy (returned); AssertionError after `timeout` seconds.

    eventlet.sleep lets the services' green threads run meanwhile where the process is patched (the
    services' tests), and is a plain sleep where it is not (the system tests). The deadline is by
    the clock, so a slow check() does not stretch the wait.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not met within {timeout} s")
        eventlet.sleep(interval)


def events_of(received, event_type, count=1, timeout=20):
    """The events of `event_type` in `received` (a list a test's event handler appends to), once
    there are at least `count`."""
    return wait_until(lambda: (found := [e for e in received if e["event_type"] == event_type])
                      and len(found) >= count and found, timeout=timeout, what=f"{count} {event_type} event(s)")
