"""PostgreSQL backend that starts (or joins) the embedded server on first connection.

Settings stay free of side effects: nothing starts until a process actually talks to the
database, and each process that does becomes a holder of the server (see embedded_db).
The server's application and owner logins are filled in then (see config.db_backend).
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings

from config import embedded_db
from config.db_backend import base


class DatabaseWrapper(base.DatabaseWrapper):
    def resolve_address(self) -> None:
        if self.settings_dict.get("HOST"):
            return
        server = embedded_db.server(settings.HAVEN_STATE_DIR)
        app = urlsplit(server.acquire())
        owner = urlsplit(server.url(embedded_db.OWNER) or "")
        self.settings_dict.update(
            HOST=app.hostname,
            PORT=str(app.port),
            USER=unquote(app.username or ""),
            PASSWORD=unquote(app.password or ""),
            OWNER={"USER": unquote(owner.username or ""), "PASSWORD": unquote(owner.password or "")},
        )
