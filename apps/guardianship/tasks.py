from celery import shared_task

from apps.alerts.models import AlertKind
from apps.alerts.services import alerts_resolve
from apps.guardianship.services import guardian_deadlines_alert


@shared_task(name="apps.guardianship.tasks.guardian_deadlines_check", ignore_result=True)
def guardian_deadlines_check() -> int:
    """Periodic: raise GUARDIAN_OVERDUE for every deadline passed, and resolve those whose
    guardian has since become active (idempotent)."""
    raised = guardian_deadlines_alert()
    alerts_resolve(kinds=[AlertKind.GUARDIAN_OVERDUE])
    return raised
