from celery import shared_task

from apps.age.services import age_appeal_periods_alert


@shared_task(name="apps.age.tasks.age_appeal_periods_check", ignore_result=True)
def age_appeal_periods_check() -> int:
    """Periodic: tell the guardian and caseworker about running and ended appeal periods (idempotent)."""
    return age_appeal_periods_alert()
