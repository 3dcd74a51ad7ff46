from celery import shared_task

from apps.casework.services import care_plan_reviews_alert


@shared_task(name="apps.casework.tasks.care_plan_reviews_check", ignore_result=True)
def care_plan_reviews_check() -> int:
    """Periodic: CARE_PLAN_REVIEW_DUE for each care plan review past its date (idempotent)."""
    return care_plan_reviews_alert()
