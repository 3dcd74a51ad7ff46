from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core import health
from apps.core.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_is_ready_when_every_check_passes(client):
    heartbeat_record(name=health.BEAT, at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "broker": "ok", "scheduler": "ok"}


def test_readyz_fails_when_the_scheduler_has_gone_quiet(client):
    heartbeat_record(name=health.BEAT, at=timezone.now() - timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == "failing"


def test_readyz_fails_before_the_scheduler_ever_beat(client):
    assert client.get("/readyz").json()["checks"]["scheduler"] == "failing"


def test_readyz_fails_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    heartbeat_record(name=health.BEAT, at=timezone.now())
    body = client.get("/readyz").json()
    assert body["checks"]["broker"] == "failing"
    assert "127.0.0.1" not in str(body), "the probe says what fails, not where"


def test_readyz_fails_when_migrations_are_pending(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "migrations", lambda: False)
    heartbeat_record(name=health.BEAT, at=timezone.now())
    assert client.get("/readyz").status_code == 503


def test_without_a_database_the_other_checks_report_failing(monkeypatch):
    def no_database() -> bool:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", no_database)
    result = health.readiness()
    assert result["database"] is False
    assert result["migrations"] is False
    assert result["scheduler"] is False


def test_a_heartbeat_never_moves_backwards():
    now = timezone.now()
    heartbeat_record(name="beat", at=now)
    beat = heartbeat_record(name="beat", at=now - timedelta(hours=1))
    assert beat.beat_at == now
