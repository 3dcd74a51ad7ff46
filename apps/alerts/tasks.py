from celery import shared_task

from apps.alerts.services import alerts_resolve


@shared_task(name="apps.alerts.tasks.alerts_resolve_check", ignore_result=True)
def alerts_resolve_check() -> int:
    """Periodic: resolve the open alerts of closed cases and those whose condition has ended."""
    return alerts_resolve()
