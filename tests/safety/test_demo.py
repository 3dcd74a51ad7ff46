"""The demo's safety records: made through the services, once, with an overdue re-assessment."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.alerts.models import Alert, AlertKind
from apps.care.demo import seed_care
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.safety.demo import seed_safety
from apps.safety.models import SafetyPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    seed_care()
    return seed_safety()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_the_demo_holds_versioned_plans_and_an_overdue_reassessment(demo):
    assert (demo.assessments, demo.plans) == (4, 3)
    assert list(SafetyPlan.objects.filter(case=demo_case("ALV-02")).values_list("version", flat=True)) == [2, 1]
    blessing = demo_case("ALV-06")
    alert = Alert.objects.get(kind=AlertKind.RISK_REASSESSMENT_DUE)
    assert (alert.case, alert.user) == (blessing, blessing.assigned_caseworker)


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 7
    again = seed_safety()
    assert again.created == 0
    assert (again.assessments, again.plans, again.overdue_alerts) == (4, 3, 1)
    assert "4 risk assessments" in again.describe()
