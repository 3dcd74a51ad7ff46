from celery import shared_task

from apps.care.services import held_daily_reviews_alert, urgent_action_reviews_alert


@shared_task(name="apps.care.tasks.held_children_daily_review", ignore_result=True)
def held_children_daily_review() -> int:
    """Periodic: HELD_DAILY_REVIEW for each child still held, once a day (idempotent)."""
    return held_daily_reviews_alert()


@shared_task(name="apps.care.tasks.urgent_action_reviews_check", ignore_result=True)
def urgent_action_reviews_check() -> int:
    """Periodic: review alerts for urgent actions, the guardian's once one is appointed (idempotent)."""
    return urgent_action_reviews_alert()
