"""notifications: turns other services' events into email; keeps a log of every message."""
