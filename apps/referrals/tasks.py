from celery import shared_task

from apps.referrals.services import referrals_expire, referrals_overdue_alert


@shared_task(name="apps.referrals.tasks.referrals_check", ignore_result=True)
def referrals_check() -> int:
    """Periodic: mark expired referrals, then tell senders of replies overdue (idempotent)."""
    return referrals_expire() + referrals_overdue_alert()
