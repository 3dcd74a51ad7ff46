"""What a person sees when the command line meets a problem: one sentence, no traceback."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_tasks import _database_url

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"HAVEN_MASTER_KEYS": "k1:" + "A" * 43, "HAVEN_SEARCH_KEY": "B" * 43}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        check=False,
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_database_is_one_sentence():
    result = _manage("migrate", DATABASE_URL="postgres://haven:secret@127.0.0.1:1/haven")
    assert result.returncode == 2
    assert "cannot reach the database at 127.0.0.1:1/haven" in result.stderr
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr, "the password is never printed"


def test_a_database_url_that_is_not_postgresql_is_refused():
    result = _manage("check", DATABASE_URL="mysql://haven:secret@127.0.0.1/haven")
    assert result.returncode == 2
    assert "must point at PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "",
        "DJANGO_ALLOWED_HOSTS": "haven.example.org",
        "DATABASE_URL": "postgres://x:y@127.0.0.1:1/x",
        **KEYS,
    }
    result = _manage("check", **env)
    assert result.returncode == 2
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_refuse_a_wildcard_host():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 64,
        "DJANGO_ALLOWED_HOSTS": "*",
        "DATABASE_URL": "postgres://x:y@127.0.0.1:1/x",
        **KEYS,
    }
    result = _manage("check", **env)
    assert result.returncode == 2
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_settings_refuse_the_embedded_database():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 64,
        "DJANGO_ALLOWED_HOSTS": "haven.example.org",
        "DATABASE_URL": "",
        **KEYS,
    }
    result = _manage("check", **env)
    assert result.returncode == 2
    assert "DATABASE_URL is not set" in result.stderr


@pytest.mark.django_db
def test_run_refuses_a_port_already_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _manage("run_haven", "--port", str(port), DATABASE_URL=_database_url())
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_run_refuses_an_unreachable_broker_with_advice():
    result = _manage(
        "run_haven", "--port", "0", DATABASE_URL=_database_url(), CELERY_BROKER_URL="redis://127.0.0.1:1/0"
    )
    assert result.returncode == 1
    assert "Cannot reach the task broker at redis://127.0.0.1:1/0" in result.stderr
    assert "unset CELERY_BROKER_URL" in result.stderr


def test_demo_data_is_refused_under_production_settings():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 64,
        "DJANGO_ALLOWED_HOSTS": "haven.example.org",
        "DATABASE_URL": "postgres://x:y@127.0.0.1:1/x",
        **KEYS,
    }
    result = _manage("seed_demo", **env)
    assert result.returncode == 1
    assert "refused under these settings" in result.stderr


@pytest.mark.parametrize("missing", ["HAVEN_MASTER_KEYS", "HAVEN_SEARCH_KEY"])
def test_production_settings_refuse_to_start_without_the_encryption_keys(missing):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 64,
        "DJANGO_ALLOWED_HOSTS": "haven.example.org",
        "DATABASE_URL": "postgres://x:y@127.0.0.1:1/x",
        **KEYS,
        missing: "",
    }
    result = _manage("check", **env)
    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_master_key_fails_the_system_check():
    result = _manage("check", HAVEN_MASTER_KEYS="k1:not-base64-of-32-bytes")
    assert result.returncode != 0
    assert "haven.E001" in result.stderr


def test_new_key_prints_a_usable_master_key_entry():
    result = _manage("new_key", "--id", "2026-11")
    key_id, _, key = result.stdout.strip().partition(":")
    assert key_id == "2026-11"
    assert len(key) == 43
