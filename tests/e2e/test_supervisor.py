"""The devstack supervisor's restarts: logged, with a pause that grows while a process keeps dying."""
import sys
import time

from devstack.supervisor import RESTART_PAUSES, Stack


def test_a_process_that_keeps_exiting_is_restarted_with_a_growing_pause(tmp_path):
    stack = Stack(str(tmp_path), "pyamqp://unused//")
    logged = []
    stack._spawn("flaky", [sys.executable, "-c", "raise SystemExit(3)"], stack.env)
    try:
        deadline = time.monotonic() + 20
        while len(stack.exits) < 3 and time.monotonic() < deadline:
            stack.supervise(log=logged.append)
            time.sleep(0.05)
        assert stack.exits[:3] == [("flaky", 3)] * 3
        exits = [line for line in logged if "exited" in line]
        assert exits[:3] == [f"flaky exited with code 3; restarting it in {RESTART_PAUSES[n]} s (restart {n + 1})"
                             for n in range(3)]
        assert logged.count("restarting flaky") >= 2
    finally:
        stack.stop()


def test_a_process_stopped_on_purpose_is_not_restarted(tmp_path):
    stack = Stack(str(tmp_path), "pyamqp://unused//")
    stack._spawn("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], stack.env)
    stack.kill("sleeper")
    stack.supervise(log=lambda line: None)
    assert stack.processes == {} and stack.exits == []
