"""`flush` as the database owner: emptying every table (TRUNCATE) is the owner's to do.

The application role has no TRUNCATE privilege, so that no code path of Haven's can
empty a table at once, append-only ones included. Tests that need empty tables between
runs (TransactionTestCase, pytest-django's transactional_db) flush through this command.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from config.db_backend.base import as_owner


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with as_owner(connections[options["database"]]):
            super().handle(**options)
