"""PostgreSQL for Haven's two roles: the connection logs in as the application role, and
the few steps that must change the schema switch to the owner for as long as they run.

`migrate` and `flush` (apps/core/management/commands), and the test database's creation
and removal, run inside `as_owner()`. Everything else, the test suite included, runs as
the application role, which cannot alter tables or disable their triggers (see
config.db_roles). Without an owner login (DATABASE_OWNER_URL unset) one role does both.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql import base, creation
from django.db.transaction import TransactionManagementError

from config import db_roles

LOGIN_KEYS = ("USER", "PASSWORD")


class DatabaseCreation(creation.DatabaseCreation):
    """The test database is created, migrated and dropped by the owner (it needs CREATEDB)."""

    def create_test_db(self, *args: Any, **kwargs: Any) -> str:
        with as_owner(self.connection):
            return str(super().create_test_db(*args, **kwargs))

    def clone_test_db(self, *args: Any, **kwargs: Any) -> None:
        with as_owner(self.connection):
            super().clone_test_db(*args, **kwargs)

    def destroy_test_db(self, *args: Any, **kwargs: Any) -> None:
        with as_owner(self.connection):
            super().destroy_test_db(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application_login: dict[str, Any] | None = None  # set while switched to the owner

    def resolve_address(self) -> None:
        """Fill in what the settings leave to be found when connecting (see embedded_backend)."""

    def get_connection_params(self) -> dict[str, Any]:
        self.resolve_address()
        return dict(super().get_connection_params())

    def owner_login(self) -> dict[str, Any]:
        """USER and PASSWORD of the owner role: DATABASE_OWNER_URL's, else the connection's own."""
        self.resolve_address()
        if self.application_login is not None:
            return {key: self.settings_dict[key] for key in LOGIN_KEYS}
        owner = self.settings_dict.get("OWNER") or {}
        return {key: owner.get(key) or self.settings_dict[key] for key in LOGIN_KEYS}

    @property
    def application_role(self) -> str:
        login = self.application_login or self.settings_dict
        return str(login["USER"])

    @property
    def has_two_roles(self) -> bool:
        return str(self.owner_login()["USER"]) != self.application_role

    @contextmanager
    def as_owner(self) -> Iterator[None]:
        """Reconnect as the owner for the block, then as the application role again.

        Only this connection object changes: other threads' connections, built from the
        same settings, keep the application role's login. Nested calls share one switch.
        """
        if self.application_login is not None or not self.has_two_roles:
            yield
            return
        if self.in_atomic_block:
            raise TransactionManagementError(
                "Switching to the database owner closes the connection, which cannot happen inside a "
                "transaction; run this outside atomic() (in tests: django_db(transaction=True))."
            )
        if self.settings_dict["OPTIONS"].get("pool"):
            raise TransactionManagementError("Switching to the database owner does not work with a connection pool.")
        shared = self.settings_dict
        login = self.owner_login()
        self.close()
        self.application_login = {key: shared[key] for key in LOGIN_KEYS}
        self.settings_dict = {**shared, **login}
        try:
            yield
        finally:
            self.close()
            # Keep what changed meanwhile (the test database's NAME), but not the login.
            shared.update({key: value for key, value in self.settings_dict.items() if key not in LOGIN_KEYS})
            self.settings_dict = shared
            self.application_login = None

    def grant_application_access(self) -> None:
        """As the owner: the application role may use everything the owner has made."""
        if self.application_login is None:
            raise TransactionManagementError("grant_application_access() runs inside as_owner().")
        with self.cursor() as cursor:
            db_roles.grant_application_access(cursor, owner=str(self.settings_dict["USER"]), app=self.application_role)


def _ours(connection: BaseDatabaseWrapper) -> "DatabaseWrapper | None":
    """The connection as Haven's backend (django.db.connection is a proxy), or None."""
    if not isinstance(connection, DatabaseWrapper):
        connection = connections[connection.alias]
    return connection if isinstance(connection, DatabaseWrapper) else None


@contextmanager
def as_owner(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """`connection.as_owner()` for Haven's backends; nothing for any other."""
    ours = _ours(connection)
    if ours is None:
        yield
        return
    with ours.as_owner():
        yield


def grant_application_access(connection: BaseDatabaseWrapper) -> None:
    """Grant the application role access, when there are two roles; call inside as_owner()."""
    ours = _ours(connection)
    if ours is not None and ours.application_login is not None:
        ours.grant_application_access()


def owner_login(connection: BaseDatabaseWrapper | None = None) -> dict[str, Any]:
    """The owner's USER and PASSWORD (the connection's own for any other backend)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    ours = _ours(connection)
    if ours is not None:
        return ours.owner_login()
    return {key: connection.settings_dict[key] for key in LOGIN_KEYS}
