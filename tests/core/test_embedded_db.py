"""The embedded server: starts, keeps data between runs, and stops however its holder ends."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from config.embedded_db import EmbeddedDatabaseError, EmbeddedPostgres

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
def server(tmp_path):
    pg = EmbeddedPostgres(tmp_path / "state")
    yield pg
    pg.release()


def test_second_start_reuses_the_data(server):
    url = server.acquire()
    _execute(url, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('still here')")
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
    _execute(url, "CREATE TABLE survived (v int)", "INSERT INTO survived VALUES (7)")
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
