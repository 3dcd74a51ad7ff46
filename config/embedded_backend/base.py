"""PostgreSQL backend that starts (or joins) the embedded server on first connection.

Settings stay free of side effects: nothing starts until a process actually talks to the
database, and each process that does becomes a holder of the server (see embedded_db).
"""

from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.backends.postgresql import base

from config import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        if not self.settings_dict.get("HOST"):
            url = urlsplit(embedded_db.server(settings.HAVEN_STATE_DIR).acquire())
            self.settings_dict.update(
                HOST=url.hostname,
                PORT=str(url.port),
                USER=unquote(url.username or ""),
                PASSWORD=unquote(url.password or ""),
            )
        return super().get_connection_params()
