from celery import shared_task

from apps.rights.services import status_deadlines_alert


@shared_task(name="apps.rights.tasks.status_deadlines_check", ignore_result=True)
def status_deadlines_check() -> int:
    """Periodic: reflection periods ending and residence permits expiring (idempotent)."""
    return status_deadlines_alert()
