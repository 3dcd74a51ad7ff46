from celery import shared_task

from apps.grants.services import break_glass_reviews_alert


@shared_task(name="apps.grants.tasks.break_glass_reviews_check", ignore_result=True)
def break_glass_reviews_check() -> int:
    """Periodic: remind the supervisors of each break-glass reading due for review (idempotent)."""
    return break_glass_reviews_alert()
