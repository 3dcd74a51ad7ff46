"""Readiness checks: what /readyz and the run command ask before saying Haven is up."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.core.models import Heartbeat

logger = logging.getLogger(__name__)
BEAT = "beat"


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return bool(cursor.fetchone() == (1,))


def migrations_applied() -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def broker_reachable() -> bool:
    from config.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    return True


def beat_is_fresh() -> bool:
    beat = Heartbeat.objects.filter(name=BEAT).values_list("beat_at", flat=True).first()
    max_age = timedelta(seconds=settings.HAVEN_HEARTBEAT_MAX_AGE)
    return beat is not None and timezone.now() - beat <= max_age


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_answers,
    "migrations": migrations_applied,
    "broker": broker_reachable,
    "scheduler": beat_is_fresh,
}


def readiness() -> dict[str, bool]:
    """Each check's verdict; a check that raises counts as failing and is logged, not shown."""
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:
            logger.warning("readiness check failed", extra={"check": name}, exc_info=True)
            results[name] = False
        if name == "database" and not results[name]:
            # Without a database the later checks cannot answer; say so rather than hang.
            results.update(dict.fromkeys(["migrations", "scheduler"], False))
            results["broker"] = _safe(broker_reachable)
            break
    return results


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:  # noqa: BLE001
        return False
