"""SMTP delivery, configured from the environment (SMTP_HOST, SMTP_PORT, SMTP_SECURITY, ...)."""
import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formataddr

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


# Header lines up to RFC 5322's hard limit: the default (78) makes Python fold a subject just over
# it onto a continuation line of its own, which some readers show with a leading space.
POLICY = policy.SMTP.clone(max_line_length=998)


def build(message):
    s = settings()
    mail = EmailMessage(policy=POLICY)
    mail["Subject"] = message.subject
    mail["From"] = _with_name(s["sender"], message.from_name) if message.from_name else s["sender"]
    mail["To"] = formataddr((message.to_name or "", message.to_email))
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    # stable per message: a copy sent again after a crash is recognised as the same email
    mail["Message-ID"] = f"<{message.id}@{_domain(s['sender'])}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                            filename=attachment.filename)
    return mail


def _with_name(sender, name):
    address = sender.split("<")[-1].rstrip(">").strip()
    return formataddr((f"{name} via Portico", address))


def _domain(sender):
    address = sender.split("<")[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else "portico.localhost"


def send(mail, before_data=None, on_accepted=None):
    """Send one message.

    `before_data()` runs once the server took sender and recipients, just before the message
    itself; `on_accepted()` the moment the server accepted it (before QUIT). Delivery records
    the send in between, so a crash can only duplicate a message the server accepted in the last
    instant before the record was committed.
    """
    s = settings()
    smtp_cls = smtplib.SMTP_SSL if s["security"] == "ssl" else smtplib.SMTP
    smtp = smtp_cls(s["host"], s["port"], timeout=s["timeout"])
    try:
        if s["security"] == "starttls":
            smtp.starttls()
        if s["username"]:
            smtp.login(s["username"], s["password"] or "")
        data = smtp.data

        def hooked_data(message_bytes):
            if before_data is not None:
                before_data()
            code, response = data(message_bytes)
            if code == 250 and on_accepted is not None:
                on_accepted()
            return code, response
        smtp.data = hooked_data
        smtp.send_message(mail)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
