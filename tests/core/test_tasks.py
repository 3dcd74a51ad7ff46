"""The task machinery for real: a worker process, the broker, results and the scheduler."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.core.health import BEAT
from apps.core.models import Heartbeat
from apps.core.tasks import beat_heartbeat, health_ping

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.xdist_group("celery")]


def _database_url() -> str:
    connection.ensure_connection()
    db = connection.settings_dict
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    return f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def queue():
    """A queue of this test's own, so no other worker on the broker takes its tasks."""
    return f"test-{secrets.token_hex(4)}"


@pytest.fixture
def start(queue, tmp_path):
    processes: list[subprocess.Popen[bytes]] = []

    def _start(*celery_args: str, **extra_env: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "HAVEN_TASK_QUEUE": queue,
            "HAVEN_BEAT_SCHEDULE": str(tmp_path / "beat-schedule"),
            **extra_env,
        }
        process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *celery_args], cwd=ROOT, env=env)
        processes.append(process)
        return process

    yield _start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _worker_args(queue: str) -> tuple[str, ...]:
    return ("worker", "-P", "solo", "-Q", queue, "--without-mingle", "--without-gossip", "-l", "WARNING")


@pytest.mark.django_db(transaction=True)
def test_a_worker_answers_a_task_sent_through_the_broker(start, queue):
    start(*_worker_args(queue))
    token = secrets.token_hex(8)
    assert health_ping.apply_async(args=(token,), queue=queue).get(timeout=60) == f"pong:{token}"


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_keeps_the_heartbeat_fresh(start, queue):
    start(*_worker_args(queue))
    start("beat", "-l", "WARNING", HAVEN_HEARTBEAT_SECONDS="1")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not Heartbeat.objects.filter(name=BEAT).exists():
        time.sleep(0.2)  # polling a real process, bounded by the deadline
    assert Heartbeat.objects.filter(name=BEAT).exists(), "beat → broker → worker → database"


@pytest.mark.django_db(transaction=True)
def test_task_ping_command_reports_a_live_worker(start, queue, capsys):
    start(*_worker_args(queue))
    call_command("task_ping", "--timeout", "60", "--queue", queue)
    assert "A worker answered" in capsys.readouterr().out


@pytest.mark.django_db
def test_task_ping_command_says_so_when_no_worker_answers(queue):
    with pytest.raises(CommandError, match="No worker answered"):
        call_command("task_ping", "--timeout", "1", "--queue", queue)


@pytest.mark.django_db
def test_the_heartbeat_task_records_the_beat():
    beat_heartbeat()
    assert Heartbeat.objects.filter(name=BEAT).exists()
