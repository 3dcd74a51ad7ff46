from celery import shared_task

from apps.solutions.services import follow_ups_alert, growing_up_alert


@shared_task(name="apps.solutions.tasks.follow_ups_check", ignore_result=True)
def follow_ups_check() -> int:
    """Periodic: FOLLOW_UP_OVERDUE to the caseworker for each overdue follow-up visit (idempotent)."""
    return follow_ups_alert()


@shared_task(name="apps.solutions.tasks.growing_up_check", ignore_result=True)
def growing_up_check() -> int:
    """Periodic: TRANSITION_PLAN_DUE before and on coming of age (R9; idempotent)."""
    return growing_up_alert()
