"""The development mail catcher: an SMTP server that keeps every message in DATA_DIR/mail, and a
small web inbox to read them (http://localhost:8025). Used by `make dev` when SMTP_HOST is unset.
"""
import email
import email.policy
import html
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

URL = re.compile(r"(https?://[^\s<&]+)")


class MailStore:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    def add(self, content):
        name = f"{time.time():.6f}-{uuid.uuid4().hex[:8]}.eml"
        with open(os.path.join(self.folder, name), "wb") as fh:
            fh.write(content)

    def ids(self):
        return sorted((n[:-4] for n in os.listdir(self.folder) if n.endswith(".eml")), reverse=True)

    def get(self, message_id):
        if not re.fullmatch(r"[0-9.]+-[0-9a-f]{8}", message_id):
            return None
        path = os.path.join(self.folder, message_id + ".eml")
        if not os.path.exists(path):
            return None
        with open(path, "rb") as fh:
            return email.message_from_binary_file(fh, policy=email.policy.default)

    def summary(self, message_id):
        message = self.get(message_id)
        return {"id": message_id, "to": str(message["To"]), "from": str(message["From"]),
                "subject": str(message["Subject"]), "date": time.strftime(
                    "%Y-%m-%d %H:%M:%S", time.localtime(float(message_id.split("-")[0])))}

    def text(self, message_id):
        part = self.get(message_id).get_body(preferencelist=("plain",))
        return part.get_content() if part else ""


class _SmtpHandler:
    def __init__(self, store):
        self.store = store

    async def handle_DATA(self, server, session, envelope):
        self.store.add(envelope.content)
        return "250 OK"


def _page(title, body):
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}"
            "td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;"
            "background:#f5f7fa;padding:1rem}</style></head><body>" + body + "</body></html>").encode()


def _handler(store):
    class Inbox(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in ("/", ""):
                rows = "".join(
                    f"<tr><td>{html.escape(s['date'])}</td><td>{html.escape(s['to'])}</td>"
                    f"<td><a href='/m/{s['id']}'>{html.escape(s['subject'])}</a></td></tr>"
                    for s in map(store.summary, store.ids()))
                body = ("<h1>Caught mail</h1><p>Every email Portico sends in development lands here.</p>"
                        "<table><tr><th>Received</th><th>To</th><th>Subject</th></tr>" + rows + "</table>")
                return self._send(200, _page("Caught mail", body))
            if self.path == "/api/messages":
                data = [dict(store.summary(i), text=store.text(i)) for i in store.ids()]
                return self._send(200, json.dumps(data).encode(), "application/json")
            if self.path.startswith("/m/") and store.get(self.path[3:]):
                summary, text = store.summary(self.path[3:]), store.text(self.path[3:])
                linked = URL.sub(lambda m: f"<a href='{m.group(1)}'>{m.group(1)}</a>", html.escape(text))
                body = (f"<p><a href='/'>&larr; Inbox</a></p><h1>{html.escape(summary['subject'])}</h1>"
                        f"<p>From {html.escape(summary['from'])}<br>To {html.escape(summary['to'])}</p>"
                        f"<pre>{linked}</pre>")
                return self._send(200, _page(summary["subject"], body))
            self._send(404, _page("Not found", "<p>Not found. <a href='/'>Inbox</a></p>"))

        def _send(self, status, payload, content_type="text/html; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass
    return Inbox


class DevMailCatcher:
    def __init__(self, folder, smtp_port=1025, web_port=8025, host="127.0.0.1"):
        self.store = MailStore(folder)
        self.smtp = Controller(_SmtpHandler(self.store), hostname=host, port=smtp_port)
        self.web = ThreadingHTTPServer((host, web_port), _handler(self.store))
        self.smtp_port, self.web_port = smtp_port, web_port

    def start(self):
        self.smtp.start()
        threading.Thread(target=self.web.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.smtp.stop()
        self.web.shutdown()
        self.web.server_close()
