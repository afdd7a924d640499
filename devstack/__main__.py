"""`make dev`: the whole system on this machine, against the RabbitMQ at AMQP_URI.

Honours AMQP_URI, PORT (8000), SMTP_HOST / SMTP_PORT (without SMTP_HOST: a mail catcher on
1025 with its inbox on MAIL_UI_PORT, 8025), PUBLIC_URL and DATA_DIR (./data: SQLite files, logs,
caught mail). Ctrl-C stops everything.
"""
import os
import signal
import sys
import time

from portico_kit import config

from .mailcatcher import DevMailCatcher
from .supervisor import Stack, broker_problem


def main():
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
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        print("Migrating the services' databases ...")
        for line in stack.migrate():
            print("  " + line.replace("\n", "\n  "))
        stack.start()
        stack.wait_ready(timeout=90)
        public = stack.env["PUBLIC_URL"]
        print("\n  Portico is running.\n"
              f"  Staff app:    {public}/app/   (sign up there)\n"
              f"  API:          {public}/api/v1/openapi.json\n"
              f"  Caught mail:  " + (f"http://localhost:{catcher.web_port}/" if catcher else
                                      f"sent to {config.env('SMTP_HOST')}:{config.env('SMTP_PORT', '25')}") +
              f"\n  Data:         {data_dir}\n  Stop:         Ctrl-C\n", flush=True)
        while not stopping:
            stack.check_alive()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping ...", flush=True)
        stack.stop()
        if catcher:
            catcher.stop()
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
