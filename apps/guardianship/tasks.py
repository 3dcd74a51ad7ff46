from celery import shared_task

from apps.guardianship.services import guardian_deadlines_alert


@shared_task(name="apps.guardianship.tasks.guardian_deadlines_check", ignore_result=True)
def guardian_deadlines_check() -> int:
    """Periodic: raise GUARDIAN_OVERDUE for every deadline passed (idempotent)."""
    return guardian_deadlines_alert()
