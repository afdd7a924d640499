"""SMTP delivery, configured from the environment (SMTP_HOST, SMTP_PORT, SMTP_SECURITY, ...)."""
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from portico_kit import config


def settings():
    return {
        "host": config.env("SMTP_HOST", "localhost"),
        "port": config.env_int("SMTP_PORT", 1025),
        "security": config.env("SMTP_SECURITY", "none").lower(),  # none | starttls | ssl
        "username": config.env("SMTP_USERNAME"),
        "password": config.env("SMTP_PASSWORD"),
        "timeout": config.env_float("SMTP_TIMEOUT", 10.0),
        "sender": config.env("MAIL_FROM", "Portico <no-reply@portico.localhost>"),
    }


def build(message):
    s = settings()
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = _with_name(s["sender"], message.from_name) if message.from_name else s["sender"]
    mail["To"] = formataddr((message.to_name or "", message.to_email))
    mail["Message-ID"] = make_msgid(idstring=message.id.replace("-", ""))
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    return mail


def _with_name(sender, name):
    address = sender.split("<")[-1].rstrip(">").strip()
    return formataddr((f"{name} via Portico", address))


def send(mail):
    s = settings()
    smtp_cls = smtplib.SMTP_SSL if s["security"] == "ssl" else smtplib.SMTP
    with smtp_cls(s["host"], s["port"], timeout=s["timeout"]) as smtp:
        if s["security"] == "starttls":
            smtp.starttls()
        if s["username"]:
            smtp.login(s["username"], s["password"] or "")
        smtp.send_message(mail)
