from celery import shared_task

from apps.safety.services import risk_reassessments_alert


@shared_task(name="apps.safety.tasks.risk_reassessments_check", ignore_result=True)
def risk_reassessments_check() -> int:
    """Periodic: RISK_REASSESSMENT_DUE once for each overdue risk assessment (idempotent)."""
    return risk_reassessments_alert()
