"""Container healthcheck: healthy while this gateway answers /healthz on its own port.

    python -m gateway.healthcheck
"""
import os
import sys
import urllib.request


def main():
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            ok = response.status == 200
    except OSError as exc:
        print(f"{url}: {exc}")
        return 1
    print("ok" if ok else f"{url}: {response.status}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
