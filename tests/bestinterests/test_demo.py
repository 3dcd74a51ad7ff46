"""The demo's best-interests records: made through the services, once."""

import pytest
from django.utils import timezone

from apps.accounts.demo import seed_accounts
from apps.alerts.models import Alert, AlertKind
from apps.bestinterests.demo import seed_bestinterests
from apps.bestinterests.models import BestInterestsDetermination, BestInterestsReview, DeterminationKind, SolutionKind
from apps.bestinterests.selectors import current_determination
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.family.demo import seed_family
from apps.guardianship.demo import seed_guardianship

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    seed_guardianship()
    seed_family()
    return seed_bestinterests()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_the_demo_holds_an_approved_panel_a_court_decision_and_one_under_review(demo):
    now = timezone.now()
    panel = current_determination(case=demo_case("ALV-05"), at=now)
    assert panel is not None
    assert panel.kind == DeterminationKind.PANEL
    assert panel.recommendation == SolutionKind.RETURN
    assert panel.approved_at is not None
    assert panel.child_told_at is not None
    assert panel.panel.count() == 3
    assert panel.risk_assessment is not None
    court = current_determination(case=demo_case("MON-03"), at=now)
    assert court is not None
    assert court.kind == DeterminationKind.AUTHORITY
    review = BestInterestsReview.objects.get()
    assert review.case == demo_case("MON-01")
    assert Alert.objects.filter(kind=AlertKind.BID_REVIEW_REQUESTED, case=review.case).exists()
    assert (demo.assessments, demo.determinations, demo.in_force, demo.reviews) == (4, 3, 3, 1)


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 7
    again = seed_bestinterests()
    assert again.created == 0
    assert BestInterestsDetermination.objects.count() == 3
    assert "3 determinations" in again.describe()
