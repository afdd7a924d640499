"""`make dev`: the whole system on this machine, against the RabbitMQ at AMQP_URI.

Honours AMQP_URI, PORT (8000), SMTP_HOST / SMTP_PORT (without SMTP_HOST: a mail catcher on
1025 with its inbox on MAIL_UI_PORT, 8025), PUBLIC_URL and DATA_DIR (./data: SQLite files, logs,
caught mail). Ctrl-C (SIGINT) or SIGTERM stops everything; a service that exits is restarted.
"""
import os
import signal
import sys
import time

from portico_kit import config

from .mailcatcher import DevMailCatcher
from .supervisor import Stack, broker_problem


def _stop(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def install_stop_handlers():
    """Explicitly, because a process started from a background job inherits SIGINT as *ignored*
    and Python then installs no KeyboardInterrupt handler: Ctrl-C or `kill -INT` would do nothing."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def main():
    install_stop_handlers()
    amqp_uri = config.amqp_uri()
    problem = broker_problem(amqp_uri)
    if problem:
        print(f"{problem}.\nStart RabbitMQ (e.g. `rabbitmq-server -detached`, or "
              "`docker run -p 5672:5672 rabbitmq:3`) or point AMQP_URI at one.", file=sys.stderr)
        return 1
    data_dir = os.path.abspath(config.data_dir())
    port = config.env_int("PORT", 8000)
    env, catcher = {}, None
    if not config.env("SMTP_HOST"):
        smtp_port, web_port = config.env_int("SMTP_PORT", 1025), config.env_int("MAIL_UI_PORT", 8025)
        catcher = DevMailCatcher(os.path.join(data_dir, "mail"), smtp_port, web_port).start()
        env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}

    stack = Stack(data_dir, amqp_uri, port=port, public_url=config.env("PUBLIC_URL"), env=env, echo=True)
    try:
        print("Migrating the services' databases ...")
        for line in stack.migrate():
            print("  " + line.replace("\n", "\n  "))
        stack.start()
        stack.wait_ready(timeout=config.env_float("READY_WAIT_SECONDS", 300))  # slow machines take minutes
        public = stack.env["PUBLIC_URL"]
        print("\n  Portico is running.\n"
              f"  Staff app:    {public}/app/   (sign up there)\n"
              f"  API:          {public}/api/v1/openapi.json\n"
              f"  Caught mail:  " + (f"http://localhost:{catcher.web_port}/" if catcher else
                                      f"sent to {config.env('SMTP_HOST')}:{config.env('SMTP_PORT', '25')}") +
              f"\n  Data:         {data_dir}\n  Stop:         Ctrl-C\n", flush=True)
        while True:
            stack.supervise(log=lambda line: print(f"devstack: {line}", flush=True))
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the stop short
            signal.signal(sig, signal.SIG_IGN)
        print("\nStopping ...", flush=True)
        stack.stop()
        if catcher:
            catcher.stop()
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
