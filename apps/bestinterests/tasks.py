from celery import shared_task

from apps.bestinterests.services import best_interests_reviews_alert


@shared_task(name="apps.bestinterests.tasks.best_interests_reviews_check", ignore_result=True)
def best_interests_reviews_check() -> int:
    """Periodic: BIA_DUE, BIA_REVIEW_DUE and BID_REVIEW_DUE to the caseworker (idempotent)."""
    return best_interests_reviews_alert()
