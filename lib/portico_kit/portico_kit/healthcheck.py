"""Container healthcheck: healthy while this replica's heartbeat file is fresh.

    python -m portico_kit.healthcheck [max_age_seconds]
"""
import os
import sys
import time

from .config import env


def heartbeat_path():
    # here, not in health.py: the check runs every few seconds and must not import nameko
    return env("HEARTBEAT_FILE", "/tmp/portico-heartbeat")


def main(argv):
    max_age = float(argv[1]) if len(argv) > 1 else 30.0
    try:
        age = time.time() - os.path.getmtime(heartbeat_path())
    except OSError:
        print("no heartbeat yet")
        return 1
    if age > max_age:
        print(f"heartbeat is {age:.0f}s old")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
