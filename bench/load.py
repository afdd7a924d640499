"""A tiny closed-loop load generator: N threads, keep-alive connections, latency per request."""
import statistics
import threading
import time

import requests


def run(url, duration=10.0, concurrency=8, headers=None, warmup=1.0):
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + warmup + duration
    measure_from = time.monotonic() + warmup

    def worker():
        session = requests.Session()
        local, local_errors = [], 0
        while True:
            started = time.monotonic()
            if started >= stop_at:
                break
            try:
                ok = session.get(url, headers=headers, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            finished = time.monotonic()
            if started >= measure_from:
                if ok:
                    local.append(finished - started)
                else:
                    local_errors += 1
        with lock:
            latencies.extend(local)
            errors[0] += local_errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return summarize(latencies, errors[0], duration)


def summarize(latencies, errors, duration):
    if not latencies:
        return {"requests": 0, "errors": errors, "rps": 0.0, "p50_ms": None, "p95_ms": None}
    ordered = sorted(latencies)
    return {
        "requests": len(ordered), "errors": errors, "rps": len(ordered) / duration,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(int(len(ordered) * 0.95), len(ordered) - 1)] * 1000,
    }
