"""Template helpers."""
from datetime import datetime


def register(app):
    @app.template_filter("when")
    def when(value, fmt="%d %b %Y, %H:%M UTC"):
        if not value:
            return "—"
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00")).strftime(fmt)
        except ValueError:
            return value

    @app.template_filter("day")
    def day(value):
        return when(value, "%d %b %Y")
