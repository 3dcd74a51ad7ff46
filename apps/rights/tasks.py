from celery import shared_task

from apps.rights.services import interview_reviews_alert, status_deadlines_alert


@shared_task(name="apps.rights.tasks.status_deadlines_check", ignore_result=True)
def status_deadlines_check() -> int:
    """Periodic: reflection periods ending and residence permits expiring (idempotent)."""
    return status_deadlines_alert()


@shared_task(name="apps.rights.tasks.interview_reviews_check", ignore_result=True)
def interview_reviews_check() -> int:
    """Periodic: reviews of urgent interviews and of those held without a guardian (idempotent)."""
    return interview_reviews_alert()
