"""The two database roles, and the one place that prepares a database for them.

Haven's database belongs to an owner role: migrations run as it, so it owns every table,
sequence and function. Haven itself connects as an application role that owns nothing:
it may read and write rows, but it cannot alter, drop or create tables, disable or drop
a trigger, truncate a table or set `session_replication_role` (it is no superuser). The
rules the database guards with plain triggers therefore hold whatever the application
does.

The statements are built here and run by three callers: the embedded server's bootstrap
(`config.embedded_db`), `manage.py db_roles_setup` for a PostgreSQL server (CI and
production), and `migrate`, which grants the application role access to what it created.
Every step is idempotent: running it again on a prepared database changes nothing.

Only the standard library is imported at the top: the embedded server imports this
module while settings load.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any, Protocol

OWNER_ROLE = "haven_owner"
APP_ROLE = "haven_app"
SCHEMA = "public"

# What the application role may do with the owner's objects, and nothing more: no
# TRUNCATE, REFERENCES or TRIGGER on tables, no CREATE on the schema.
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"
FUNCTION_PRIVILEGES = "EXECUTE"
# Logs the application only ever adds to (who read a child's record, the admin's change
# history, the history of every change to case data): no UPDATE or DELETE for it, besides the
# trigger that refuses them to anyone.
APPEND_ONLY_TABLES = ("audit_recordaccess", "django_admin_log", "history_change")


class RoleSetupError(RuntimeError):
    """A database that cannot be given the two roles, in one sentence for the operator."""


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A quoted SQL string, whatever standard_conforming_strings says."""
    escaped = value.replace("\\", "\\\\").replace("'", "''")
    return f"E'{escaped}'"


def scram_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 secret PostgreSQL stores (RFC 5802/7677), computed here.

    ALTER ROLE ... PASSWORD then carries the verifier, never the password, so a server
    that logs statements cannot log the password either. PostgreSQL runs SASLprep on
    the password first; for printable ASCII that changes nothing, and other passwords
    are sent as they are (the server hashes them itself).
    """
    if not (password.isascii() and password.isprintable()):
        return password
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _password_clause(password: str | None) -> str:
    return f" PASSWORD {literal(scram_verifier(password))}" if password else ""


def _role(cursor: Cursor, name: str) -> dict[str, bool] | None:
    cursor.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolreplication, rolbypassrls "
        "FROM pg_roles WHERE rolname = %s",
        [name],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    keys = ("superuser", "createdb", "createrole", "login", "replication", "bypassrls")
    return dict(zip(keys, (bool(value) for value in row), strict=True))


def _current_user(cursor: Cursor) -> tuple[str, bool, bool]:
    cursor.execute("SELECT rolname, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    name, superuser, createrole = cursor.fetchone()
    return str(name), bool(superuser), bool(createrole)


def ensure_roles(
    cursor: Cursor,
    *,
    owner: str,
    app: str,
    owner_password: str | None = None,
    app_password: str | None = None,
    owner_createdb: bool = False,
) -> list[str]:
    """Create or correct the two LOGIN roles (cluster-wide); return the changes made.

    The owner gets CREATEDB when asked (test databases are created by it). The
    application role is made, or kept, no superuser and without CREATEDB, CREATEROLE,
    REPLICATION or BYPASSRLS, and is removed from the owner role and from any superuser
    role, so it can never become one. Passwords are set when given and this session may
    manage roles (a superuser or CREATEROLE); otherwise existing roles are only checked.
    """
    if owner == app:
        raise RoleSetupError(
            f"The owner and the application role are both {owner!r}; they must be two different roles."
        )
    me, superuser, createrole = _current_user(cursor)
    may_manage = superuser or createrole
    changes: list[str] = []

    def manage(statement: str, change: str) -> None:
        if not may_manage:
            raise RoleSetupError(
                f"The roles need a change ({change}) that only a superuser or a role with CREATEROLE may make, "
                f"and {me!r} is neither: run this again with --admin-url pointing at such a role."
            )
        cursor.execute(statement)
        changes.append(change)

    current = _role(cursor, owner)
    createdb = " CREATEDB" if owner_createdb else ""
    if current is None:
        manage(f"CREATE ROLE {ident(owner)} LOGIN{createdb}{_password_clause(owner_password)}", f"create role {owner}")
    else:
        wanted = (" LOGIN" if not current["login"] else "") + (createdb if not current["createdb"] else "")
        if wanted:
            manage(f"ALTER ROLE {ident(owner)}{wanted}", f"give role {owner}{wanted.lower()}")
        if owner_password and may_manage and owner != me:
            cursor.execute(f"ALTER ROLE {ident(owner)}{_password_clause(owner_password)}")

    current = _role(cursor, app)
    limits = " NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    if current is None:
        manage(f"CREATE ROLE {ident(app)} LOGIN{limits}{_password_clause(app_password)}", f"create role {app}")
    else:
        powers = [
            power for power in ("superuser", "createdb", "createrole", "replication", "bypassrls") if current[power]
        ]
        if powers or not current["login"]:
            if (powers and not superuser) or not may_manage:
                raise RoleSetupError(
                    f"The application role {app!r} has {', '.join(powers) or 'no login'}; "
                    "only a superuser can correct that: run this again with --admin-url pointing at one."
                )
            clauses = "".join(f" NO{power.upper()}" for power in powers) + ("" if current["login"] else " LOGIN")
            cursor.execute(f"ALTER ROLE {ident(app)}{clauses}")
            changes.append(f"take {', '.join(powers)} from role {app}" if powers else f"give role {app} login")
        if app_password and may_manage and app != me:
            cursor.execute(f"ALTER ROLE {ident(app)}{_password_clause(app_password)}")

    # Direct memberships that would let the application role become the owner or a superuser.
    cursor.execute(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = %s) AND (r.rolname = %s OR r.rolsuper)",
        [app, owner],
    )
    for (granted,) in cursor.fetchall():
        manage(f"REVOKE {ident(granted)} FROM {ident(app)}", f"remove role {app} from role {granted}")
    cursor.execute(
        "SELECT r.rolname FROM pg_roles r WHERE r.rolname <> %s AND (r.rolname = %s OR r.rolsuper) "
        "AND pg_has_role(%s, r.oid, 'MEMBER')",
        [app, owner, app],
    )
    inherited = [str(name) for (name,) in cursor.fetchall()]
    if inherited:
        raise RoleSetupError(
            f"The application role {app!r} is, through other roles, a member of {', '.join(inherited)}; "
            "remove it from those roles."
        )
    return changes


# Objects in the schema that are not owned by the owner, with the statement that moves
# each. Sequences owned by a column and indexes move with their table; members of an
# extension stay with the extension.
_FOREIGN_OBJECTS = """
SELECT CASE c.relkind
         WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
         WHEN 'S' THEN 'SEQUENCE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END,
       c.oid::regclass::text
FROM pg_class c
WHERE c.relnamespace = %(schema)s::regnamespace
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
  AND c.relowner <> %(owner)s::regrole
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
       p.oid::regprocedure::text
FROM pg_proc p
WHERE p.pronamespace = %(schema)s::regnamespace
  AND p.proowner <> %(owner)s::regrole
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                  AND d.deptype = 'e')
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text
FROM pg_type t
WHERE t.typnamespace = %(schema)s::regnamespace
  AND t.typtype IN ('e', 'd', 'r')
  AND t.typowner <> %(owner)s::regrole
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                  AND d.deptype = 'e')
"""


def take_ownership(cursor: Cursor, *, owner: str, app: str) -> list[str]:
    """In the connected database: the owner owns it, its public schema and all in it.

    Needs a superuser for anything not already the owner's (an existing database made
    by `postgres`, say); on a database the owner already holds it changes nothing. The
    owner may connect and the application role may connect and use the schema.
    """
    changes: list[str] = []
    cursor.execute(
        "SELECT current_database(), pg_get_userbyid(d.datdba) FROM pg_database d WHERE d.datname = current_database()"
    )
    database, database_owner = cursor.fetchone()
    if database_owner != owner:
        cursor.execute(f"ALTER DATABASE {ident(database)} OWNER TO {ident(owner)}")
        changes.append(f"give database {database} to {owner} (was {database_owner})")
    cursor.execute("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = %s", [SCHEMA])
    schema_owner = cursor.fetchone()[0]
    # pg_database_owner (PostgreSQL 15+) stands for whoever owns the database: the owner now.
    if schema_owner not in (owner, "pg_database_owner"):
        cursor.execute(f"ALTER SCHEMA {ident(SCHEMA)} OWNER TO {ident(owner)}")
        changes.append(f"give schema {SCHEMA} to {owner} (was {schema_owner})")
    cursor.execute(_FOREIGN_OBJECTS, {"schema": SCHEMA, "owner": owner})
    moved = 0
    for kind, name in cursor.fetchall():
        cursor.execute(f"ALTER {kind} {name} OWNER TO {ident(owner)}")
        moved += 1
    if moved:
        changes.append(f"give {moved} objects in schema {SCHEMA} to {owner}")
    cursor.execute(f"GRANT CONNECT ON DATABASE {ident(database)} TO {ident(owner)}, {ident(app)}")
    cursor.execute(f"REVOKE CREATE ON DATABASE {ident(database)} FROM {ident(app)}")
    return changes


def grant_application_access(cursor: Cursor, *, owner: str, app: str) -> None:
    """In the connected database, as the owner or a superuser: what the app may do.

    Rows in every table, every sequence's next value and every function, for what
    exists now and, through default privileges, for whatever the owner creates later;
    never the schema itself, and only new rows in the append-only logs. Ends by checking that the application role can neither
    create in the schema nor owns anything in it.
    """
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app])
    if cursor.fetchone() is None:
        raise RoleSetupError(
            f"The application role {app!r} does not exist; create it with `manage.py db_roles_setup` "
            "(see docs/operations.md)."
        )
    schema, owner_id, app_id = ident(SCHEMA), ident(owner), ident(app)
    cursor.execute(
        "SELECT pg_has_role(current_user, nspowner, 'MEMBER') FROM pg_namespace WHERE nspname = %s", [SCHEMA]
    )
    if cursor.fetchone()[0]:
        cursor.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
        cursor.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM {app_id}")
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {app_id}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {app_id}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {app_id}",
        f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {schema} TO {app_id}",
        f"GRANT {FUNCTION_PRIVILEGES} ON ALL FUNCTIONS IN SCHEMA {schema} TO {app_id}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_id} IN SCHEMA {schema} "
        f"GRANT {TABLE_PRIVILEGES} ON TABLES TO {app_id}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_id} IN SCHEMA {schema} "
        f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {app_id}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_id} IN SCHEMA {schema} "
        f"GRANT {FUNCTION_PRIVILEGES} ON FUNCTIONS TO {app_id}",
    ]
    for statement in statements:
        cursor.execute(statement)
    for table in APPEND_ONLY_TABLES:
        cursor.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.{table}"])
        if cursor.fetchone()[0] is not None:  # not yet migrated: the next migrate's grant does it
            cursor.execute(f"REVOKE UPDATE, DELETE ON {schema}.{ident(table)} FROM {app_id}")
    cursor.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [app, SCHEMA])
    if cursor.fetchone()[0]:
        raise RoleSetupError(
            f"The application role {app!r} may create objects in schema {SCHEMA}, and only the schema's "
            "owner can take that away (PostgreSQL 15 or later gives the schema to the database's owner): "
            "run `manage.py db_roles_setup` with --admin-url pointing at a superuser."
        )
    owned = application_role_objects(cursor, app=app)
    if owned:
        raise RoleSetupError(
            f"The application role {app!r} owns {', '.join(owned[:5])}; it must own nothing: "
            "run `manage.py db_roles_setup` with --admin-url pointing at a superuser."
        )


def application_role_objects(cursor: Cursor, *, app: str) -> list[str]:
    """What the application role owns in the schema: nothing, when all is well."""
    cursor.execute(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = %(schema)s::regnamespace "
        "AND c.relowner = %(app)s::regrole "
        "UNION ALL SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace = %(schema)s::regnamespace AND p.proowner = %(app)s::regrole",
        {"schema": SCHEMA, "app": app},
    )
    return [str(name) for (name,) in cursor.fetchall()]


def prepare_database(
    cursor: Cursor,
    *,
    owner: str,
    app: str,
    owner_password: str | None = None,
    app_password: str | None = None,
    owner_createdb: bool = False,
) -> list[str]:
    """All of it, in the connected database: roles, ownership, the application's access."""
    changes = ensure_roles(
        cursor,
        owner=owner,
        app=app,
        owner_password=owner_password,
        app_password=app_password,
        owner_createdb=owner_createdb,
    )
    changes += take_ownership(cursor, owner=owner, app=app)
    grant_application_access(cursor, owner=owner, app=app)
    return changes
