"""Tasks that prove the task machinery works: a ping and the scheduler's heartbeat."""

from celery import shared_task
from django.utils import timezone

from apps.core.health import BEAT
from apps.core.services import heartbeat_record


@shared_task(name="apps.core.tasks.health_ping")
def health_ping(token: str) -> str:
    """Echo a token: a caller that gets it back has proven broker, worker and results."""
    return f"pong:{token}"


@shared_task(name="apps.core.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    heartbeat_record(name=BEAT, at=timezone.now())
