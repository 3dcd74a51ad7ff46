"""The embedded server: starts, keeps data between runs, and stops however its holder ends."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from config import db_roles
from config.embedded_db import APP, OWNER, SUPERUSER, EmbeddedDatabaseError, EmbeddedPostgres

ROOT = Path(__file__).resolve().parents[2]


def _holder(state_dir: Path) -> subprocess.Popen[str]:
    """Another process that joins the server and waits to be stopped."""
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from config.embedded_db import EmbeddedPostgres
        print(EmbeddedPostgres(Path({str(state_dir)!r})).acquire(), flush=True)
        while True:
            time.sleep(1)
        """
    )
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)


def _scalar(url: str, sql: str):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchone()


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture
def server(embedded_state_dir):
    pg = EmbeddedPostgres(embedded_state_dir)
    yield pg
    pg.release()


def test_second_start_reuses_the_data(server):
    server.acquire()
    _execute(server.url(OWNER), "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('still here')")
    server.release()
    assert server.url() is None, "the last holder leaving stops the server"
    url = server.acquire()
    assert _scalar(url, "SELECT v FROM kept") == ("still here",)


def test_the_server_needs_a_password_over_tcp(server):
    url = server.acquire()
    without_password = url.replace(url.split("//")[1].split("@")[0], "postgres")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(without_password).close()


def test_sigterm_to_the_holder_stops_the_server_cleanly(server):
    holder = _holder(server.state_dir)
    url = holder.stdout.readline().strip()
    assert _scalar(url, "SELECT 1") == (1,)
    holder.send_signal(signal.SIGTERM)
    assert holder.wait(timeout=60) == 128 + signal.SIGTERM
    assert server.url() is None
    assert "database system is shut down" in (server.log_file.read_text())


def test_a_killed_holder_leaves_a_server_the_next_start_reuses(server):
    holder = _holder(server.state_dir)
    url = holder.stdout.readline().strip()
    _execute(server.url(OWNER), "CREATE TABLE survived (v int)", "INSERT INTO survived VALUES (7)")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    assert server.url() == url, "a crash leaves the server running"
    assert server.acquire() == url
    assert _scalar(url, "SELECT v FROM survived") == (7,)
    server.release()
    assert server.url() is None, "the dead holder was pruned, so our release stopped it"


def test_two_holders_share_one_server_until_the_last_leaves(server):
    holder = _holder(server.state_dir)
    url = holder.stdout.readline().strip()
    assert server.acquire() == url
    server.release()
    assert server.url() == url, "the other holder still needs it"
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=60)
    assert server.url() is None


def test_a_data_folder_that_is_not_postgresql_is_refused_and_left_alone(server):
    server.pgdata.mkdir(parents=True)
    (server.pgdata / "notes.txt").write_text("someone's files")
    with pytest.raises(EmbeddedDatabaseError, match="move it aside"):
        server.acquire()
    assert (server.pgdata / "notes.txt").read_text() == "someone's files"


def test_haven_connects_as_an_application_role_that_is_no_superuser(server):
    url = server.acquire()
    assert _scalar(url, "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user") == (APP, False)
    assert _scalar(
        server.url(OWNER), "SELECT current_user, rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user"
    ) == (OWNER, False, True)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _execute(url, "CREATE TABLE intruder (v int)")


def test_role_passwords_are_generated_and_kept_private(server):
    server.acquire()
    for path in server.role_password_files.values():
        assert path.stat().st_mode & 0o777 == 0o600
        assert len(path.read_text().strip()) >= 32
    assert server.url(APP) != server.url(OWNER)


def test_the_roles_survive_a_restart_unchanged(server):
    url = server.acquire()
    server.release()
    assert server.acquire().split("@")[0] == url.split("@")[0], "same login, same password"
    with psycopg.connect(server.url(SUPERUSER)) as conn:
        changes = db_roles.prepare_database(conn.cursor(), owner=OWNER, app=APP, owner_createdb=True)
    assert changes == [], "a prepared database needs nothing more"


def _make_it_look_like_before_the_roles(server: EmbeddedPostgres) -> None:
    """What a data folder from before the roles holds: the superuser owns it all."""
    superuser = server.url(SUPERUSER)
    assert superuser is not None
    _execute(
        superuser,
        f"DROP OWNED BY {APP}",  # its privileges (it owns nothing)
        f"REASSIGN OWNED BY {OWNER} TO {SUPERUSER}",
        f"DROP OWNED BY {OWNER}",
        f"DROP ROLE {OWNER}, {APP}",
    )
    for path in server.role_password_files.values():
        path.unlink()


def test_a_data_folder_from_before_the_roles_is_converted_in_place(server):
    server.acquire()
    _execute(
        server.url(SUPERUSER),
        "CREATE TABLE guarded (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text NOT NULL)",
        "CREATE SEQUENCE numbers",
        "CREATE FUNCTION refuse_empty() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.v = '' THEN RAISE EXCEPTION 'empty' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER guarded_refuse_empty BEFORE INSERT ON guarded FOR EACH ROW EXECUTE FUNCTION refuse_empty()",
        "INSERT INTO guarded (v) VALUES ('kept')",
    )
    _make_it_look_like_before_the_roles(server)
    assert _scalar(
        server.url(SUPERUSER), "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'haven'"
    ) == (SUPERUSER,)
    server.release()
    assert server.url() is None

    url = server.acquire()  # the next start converts it

    owners = _scalar(
        server.url(SUPERUSER),
        "SELECT array_agg(DISTINCT pg_get_userbyid(relowner)) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
    )
    assert owners == ([OWNER],)
    assert _scalar(url, "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'refuse_empty'") == (OWNER,)
    assert _scalar(url, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'haven'") == (OWNER,)
    assert _scalar(url, "SELECT v FROM guarded") == ("kept",)
    _execute(url, "INSERT INTO guarded (v) VALUES ('written by the application')", "SELECT nextval('numbers')")
    with pytest.raises(psycopg.errors.CheckViolation):
        _execute(url, "INSERT INTO guarded (v) VALUES ('')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _execute(url, "ALTER TABLE guarded DISABLE TRIGGER guarded_refuse_empty")
