from celery import shared_task

from apps.family.services import security_assessments_expiring_alert


@shared_task(name="apps.family.tasks.security_assessments_check", ignore_result=True)
def security_assessments_check() -> int:
    """Periodic: SECURITY_ASSESSMENT_EXPIRING to the caseworker ahead of expiry (idempotent)."""
    return security_assessments_expiring_alert()
