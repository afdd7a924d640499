"""A real SMTP server for tests (aiosmtpd in a thread) that keeps what it receives."""
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, catcher):
        self.catcher = catcher

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.catcher._add(envelope.rcpt_tos, message)
        return "250 OK"


class MailCatcher:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self._lock = threading.Condition()
        self._controller = None

    def start(self):
        """Start (or restart after stop(): tests take SMTP down and bring it back on the same port)."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _add(self, recipients, message):
        with self._lock:
            self.messages.append({"to": [r.lower() for r in recipients], "message": message})
            self._lock.notify_all()

    def to(self, address):
        return [m["message"] for m in list(self.messages) if address.lower() in m["to"]]

    def wait_for(self, address, count=1, timeout=20, subject_contains=None):
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.to(address)
                         if subject_contains is None or subject_contains in m["subject"]]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} mail(s) to {address}, got {len(found)}: "
                                         f"{[m['subject'] for m in self.to(address)]}")
                self._lock.wait(min(remaining, 0.5))


def body_text(message, subtype="plain"):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""
