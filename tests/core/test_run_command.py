"""The newcomer's path: `run_haven` on an empty state folder, from start to clean stop."""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from apps.accounts.demo import DEMO_PASSWORD
from config.embedded_db import EmbeddedPostgres

ROOT = Path(__file__).resolve().parents[2]
DEMO_USERS = 16  # the demo's people (apps/accounts/demo.py and apps/guardianship/demo.py)
pytestmark = [pytest.mark.xdist_group("celery")]
# A bound, not a speed target: a first start on a bare folder migrates and seeds the whole demo
# world (about 80 s on an idle two-core machine), and the suite's other worker shares the cores.
STARTUP_BOUND = 300.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, opener: urllib.request.OpenerDirector | None = None, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def _wait_for(url: str, status: int, process: subprocess.Popen[bytes], seconds: float = STARTUP_BOUND) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "run_haven exited early"
        code, body = _get(url)
        if code == status:
            return body
        time.sleep(0.3)  # polling a real server, bounded by the deadline
    raise AssertionError(f"{url} did not answer {status} within {seconds} s")


def _wait_for_text(log: Path, text: str, occurrences: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_BOUND
    while time.monotonic() < deadline:
        assert process.poll() is None, "run_haven exited early"
        if log.read_text().count(text) >= occurrences:
            return
        time.sleep(0.3)  # polling a real process's output, bounded by the deadline
    raise AssertionError(f"{text!r} did not appear within {STARTUP_BOUND:.0f} s")


def _start(state: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_OWNER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(HAVEN_STATE_DIR=str(state), HAVEN_HEARTBEAT_SECONDS="1", HAVEN_BROKER_DIR=str(state / "broker"))
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_haven", "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def _signed_in(base: str, email: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, page = _get(f"{base}/accounts/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the sign-in page has its CSRF token"
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": email, "password": password})
    opener.open(f"{base}/accounts/login/", data=form.encode(), timeout=10)
    assert any(cookie.name == "sessionid" for cookie in jar), "signed in"
    return opener


def _assert_no_debug_page(code: int, body: str, secrets: list[str]) -> None:
    assert code == 400
    assert "could not be understood" in body  # Haven's plain page
    assert "Traceback" not in body
    assert "DATABASE_URL" not in body
    for secret in secrets:
        assert secret not in body


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=90)


def test_run_starts_everything_on_a_bare_folder_and_stops_cleanly(tmp_path):
    state, port, log = tmp_path / "state", _free_port(), tmp_path / "run.log"
    process = _start(state, port, log)
    try:
        ready = json.loads(_wait_for(f"http://127.0.0.1:{port}/readyz", 200, process))
        assert ready["status"] == "ready"
        base = f"http://127.0.0.1:{port}"
        code, body = _get(f"{base}/accounts/login/")
        assert code == 200
        assert "Sign in to Haven" in body
        # No debug page by default: not for a foreign Host, not for a crafted admin query.
        secrets = [(state / name).read_text().strip() for name in ("pg-app-password", "pg-owner-password")]
        _assert_no_debug_page(*_get(f"{base}/accounts/login/", Host="attacker.example"), secrets)
        caseworker = _signed_in(base, "ana.ferreira@demo.haven.invalid", DEMO_PASSWORD)
        _assert_no_debug_page(*_get(f"{base}/admin/cases/case/?_to_field=password", caseworker), secrets)
    finally:
        exit_code = _stop(process)
    output = log.read_text()
    assert exit_code == 0
    assert f"Haven is running at http://127.0.0.1:{port}/" in output
    assert "ana.ferreira@demo.haven.invalid" in output
    assert "Haven stopped; the database is shut down cleanly." in output
    assert EmbeddedPostgres(state).url() is None, "no database server left running"


def test_a_second_run_keeps_the_data_of_the_first(tmp_path):
    state, log = tmp_path / "state", tmp_path / "run.log"
    for run in (1, 2):
        process = _start(state, _free_port(), log)
        try:
            _wait_for_text(log, "Haven is running", run, process)
        finally:
            assert _stop(process) == 0
    output = log.read_text()
    assert output.count("Haven is running") == 2
    server = EmbeddedPostgres(state)
    url = server.acquire()
    try:
        import psycopg

        with psycopg.connect(url) as conn:
            users = conn.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
    finally:
        server.release()
    assert users == DEMO_USERS, "the demo world, once: the second run neither lost nor duplicated it"
