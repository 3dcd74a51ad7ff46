from celery import shared_task

from apps.complaints.services import complaint_deadlines_alert


@shared_task(name="apps.complaints.tasks.complaint_deadlines_check", ignore_result=True)
def complaint_deadlines_check() -> int:
    """Periodic: route unrouted complaints; COMPLAINT_ANSWER_OVERDUE once an answer is due (idempotent)."""
    return complaint_deadlines_alert()
