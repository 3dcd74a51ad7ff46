"""`migrate` as the database owner, so the owner owns every table, trigger and function.

Haven's connection logs in as the application role, which may not change the schema.
This command switches the same connection to the owner (DATABASE_OWNER_URL, or the
embedded server's owner) for the whole run, data migrations and post-migrate handlers
included, then grants the application role access to what was made. With one role for
both, it is Django's `migrate` unchanged.
"""

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections

from config.db_backend.base import as_owner, grant_application_access
from config.db_roles import RoleSetupError


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        with as_owner(connection):
            super().handle(*args, **options)
            if not (options["plan"] or options["check_unapplied"]):
                try:
                    grant_application_access(connection)
                except RoleSetupError as exc:
                    raise CommandError(str(exc)) from exc
