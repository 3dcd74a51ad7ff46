"""The periodic check: BIA_DUE, BIA_REVIEW_DUE, BID_REVIEW_DUE, each raised once (frozen clock)."""

from datetime import timedelta

import pytest
from django.conf import settings

from apps.alerts.models import Alert, AlertKind
from apps.bestinterests.services import best_interests_reviews_alert, determination_review_request
from apps.cases.models import Case
from tests.bestinterests.factories import DAY, NOW, approved_panel, completed_bia, world

pytestmark = pytest.mark.django_db


def _alerts(case: Case, kind: str) -> list[Alert]:
    return list(Alert.objects.filter(case=case, kind=kind))


def _identified(case: Case, days_ago: int) -> Case:
    Case.objects.filter(pk=case.pk).update(identified_at=NOW - timedelta(days=days_ago))
    case.refresh_from_db()
    return case


def test_bia_due_is_raised_once_after_the_target_time_to_the_assigned_caseworker():
    w = world()
    target = settings.HAVEN_BIA_TARGET_DAYS
    _identified(w.case, target - 1)
    assert best_interests_reviews_alert(at=NOW) == 0
    _identified(w.case, target + 1)
    assert best_interests_reviews_alert(at=NOW) >= 1
    assert best_interests_reviews_alert(at=NOW) == 0
    (alert,) = _alerts(w.case, AlertKind.BIA_DUE)
    assert alert.user == w.case.assigned_caseworker
    assert w.case.reference in alert.detail


def test_a_completed_bia_stops_bia_due_and_its_review_falls_due_later():
    w = world()
    _identified(w.case, 400)
    completed_bia(w, at=NOW - 10 * DAY)
    best_interests_reviews_alert(at=NOW)
    assert _alerts(w.case, AlertKind.BIA_DUE) == []
    later = NOW + timedelta(days=settings.HAVEN_BIA_REVIEW_DAYS)
    assert best_interests_reviews_alert(at=later) >= 1
    best_interests_reviews_alert(at=later)
    assert len(_alerts(w.case, AlertKind.BIA_REVIEW_DUE)) == 1


def test_bia_due_raised_before_is_done_once_the_bia_is_completed():
    w = world()
    _identified(w.case, 400)
    best_interests_reviews_alert(at=NOW - 30 * DAY)
    completed_bia(w, at=NOW - 20 * DAY)
    (alert,) = _alerts(w.case, AlertKind.BIA_DUE)
    assert alert.done_at == NOW - 20 * DAY


def test_bid_review_due_at_the_determinations_review_date_unless_a_review_is_open():
    w = world()
    _identified(w.case, 10)
    bid = approved_panel(w)
    due = bid.review_due_at
    assert best_interests_reviews_alert(at=due - DAY) == 0 or _alerts(w.case, AlertKind.BID_REVIEW_DUE) == []
    best_interests_reviews_alert(at=due)
    best_interests_reviews_alert(at=due)
    assert len(_alerts(w.case, AlertKind.BID_REVIEW_DUE)) == 1


def test_no_bid_review_due_while_a_review_is_open():
    w = world()
    _identified(w.case, 10)
    bid = approved_panel(w)
    determination_review_request(actor=w.caseworker, determination=bid, reason="Fictional change.", at=NOW)
    best_interests_reviews_alert(at=bid.review_due_at)
    assert _alerts(w.case, AlertKind.BID_REVIEW_DUE) == []
