"""Prepare a PostgreSQL server's database for Haven's two roles; safe to run again.

Reads the roles from the settings: the application role (and its password) from
DATABASE_URL, the owner from DATABASE_OWNER_URL. Connects as --admin-url (a superuser,
or a role with CREATEROLE that owns the database), by default as the owner itself, and
in one transaction: creates whichever role is missing, makes sure the application role
is no superuser and cannot become the owner, gives the owner the database, its public
schema and everything in it, and grants the application role the use of the rows (see
config.db_roles). The embedded server does the same by itself at every start; run
against it, this only checks.
"""

from typing import Any

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from config import db_roles
from config.db_backend.base import DatabaseWrapper

# Keys of Django's OPTIONS that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = {"pool", "isolation_level", "assume_role", "server_side_binding", "prepare_threshold"}


class Command(BaseCommand):
    help = "Create the owner and application database roles and give the owner Haven's database (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--admin-url",
            default="",
            help="postgres:// URL of a superuser to connect as (default: the owner, from DATABASE_OWNER_URL); "
            "it must name the same database as DATABASE_URL.",
        )
        parser.add_argument(
            "--owner-createdb",
            action="store_true",
            help="Let the owner create databases, as the test suite needs (its test databases).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The settings' database alias.")

    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not isinstance(connection, DatabaseWrapper) or not connection.has_two_roles:
            raise CommandError(
                "DATABASE_OWNER_URL is not set, or names the same role as DATABASE_URL: set DATABASE_URL to "
                "the application role's login and DATABASE_OWNER_URL to the owner's (see docs/operations.md)."
            )
        owner = connection.owner_login()  # starts the embedded server (which prepares itself) when used
        db = connection.settings_dict
        try:
            with self._connect(options["admin_url"], db, owner) as admin, admin.cursor() as cursor:
                cursor.execute("SELECT current_database()")
                database = cursor.fetchone()
                if database is None or database[0] != db["NAME"]:
                    raise CommandError(
                        f"--admin-url names the database {database[0] if database else '?'!r}, but Haven's "
                        f"database is {db['NAME']!r}: give the admin URL the same database name."
                    )
                changes = db_roles.prepare_database(
                    cursor,
                    owner=str(owner["USER"]),
                    app=connection.application_role,
                    owner_password=owner["PASSWORD"] or None,
                    app_password=db["PASSWORD"] or None,
                    owner_createdb=options["owner_createdb"],
                )
        except psycopg.OperationalError as exc:
            raise OperationalError(str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer") from exc
        except (psycopg.Error, db_roles.RoleSetupError) as exc:
            raise CommandError(f"The database roles could not be set up: {str(exc).strip()}") from exc
        for change in changes:
            self.stdout.write(f"  {change}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Database {db['NAME']} belongs to {owner['USER']}; {connection.application_role} may read and "
                "write its rows and owns nothing."
            )
        )

    def _connect(self, admin_url: str, db: dict[str, Any], owner: dict[str, Any]) -> psycopg.Connection[Any]:
        if admin_url:
            return psycopg.connect(admin_url, connect_timeout=10)
        options = {key: value for key, value in db["OPTIONS"].items() if key not in DJANGO_ONLY_OPTIONS}
        params = {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], **owner, **options}
        params = {key.lower(): value for key, value in params.items() if value not in (None, "")}
        return psycopg.connect(**params)
