from datetime import datetime

from apps.core.models import Heartbeat


def heartbeat_record(*, name: str, at: datetime) -> Heartbeat:
    """Record that `name` was alive at `at`; never moves a heartbeat backwards."""
    heartbeat, created = Heartbeat.objects.get_or_create(name=name, defaults={"beat_at": at})
    if not created and heartbeat.beat_at < at:
        Heartbeat.objects.filter(pk=heartbeat.pk, beat_at__lt=at).update(beat_at=at)
        heartbeat.beat_at = at
    return heartbeat
