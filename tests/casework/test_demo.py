"""The demo's casework: made through the services, once."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.alerts.models import Alert, AlertKind
from apps.cases.demo import seed_cases
from apps.casework.demo import seed_casework
from apps.guardianship.demo import seed_guardianship

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    seed_guardianship()
    return seed_casework()


def test_the_demo_holds_notes_a_care_plan_and_a_conference(demo):
    assert (demo.notes, demo.goals, demo.conferences) == (4, 2, 1)
    assert Alert.objects.filter(kind=AlertKind.CARE_PLAN_REVIEW_DUE).count() == 1
    assert Alert.objects.get(kind=AlertKind.CASE_CONFERENCE_REQUESTED).done_at is not None


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 3
    again = seed_casework()
    assert (again.created, again.notes, again.goals, again.conferences) == (0, 4, 2, 1)
    assert "4 notes" in again.describe()
