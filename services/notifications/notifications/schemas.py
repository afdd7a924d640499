from portico_kit.timeutil import iso


def message_dict(message):
    return {
        "id": message.id, "kind": message.kind, "to": message.to_email, "to_name": message.to_name,
        "subject": message.subject, "status": "queued" if message.status == "sending" else message.status,
        "attempts": message.attempts, "last_error": message.last_error,
        "created_at": iso(message.created_at), "sent_at": iso(message.sent_at),
        "next_attempt_at": iso(message.next_attempt_at) if message.status == "queued" else None,
    }
