"""The demo's care records: made through the services, once."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.alerts.models import Alert, AlertKind
from apps.care.demo import seed_care
from apps.care.models import Charge, HeldEvent, MissingReport, Placement, PlacementKind, UrgentAction
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    return seed_care()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_the_demo_holds_each_kind_of_care_record(demo):
    assert (demo.placements, demo.held, demo.missing, demo.charges) == (4, 1, 1, 1)
    assert stored(Placement.objects.get(case=demo_case("ALV-02")), "justification")
    assert Placement.objects.get(case=demo_case("MON-03")).kind == PlacementKind.KINSHIP
    emergency = UrgentAction.objects.get(placement__case=demo_case("ALV-01"))
    assert emergency.supervisor_reviewed_at is not None
    assert HeldEvent.objects.get().released_at is None
    assert demo_case("ALV-04").risk_level == Case.RiskLevel.CRITICAL
    assert MissingReport.objects.get().case == demo_case("ALV-04")
    assert Charge.objects.get().case == demo_case("ALV-05")


def test_the_demo_raises_the_alerts_the_services_raise(demo):
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert {AlertKind.CHILD_HELD, AlertKind.LEGAL_AID_NEEDED, AlertKind.CHILD_MISSING, AlertKind.NON_PUNISHMENT,
            AlertKind.URGENT_ACTION_REVIEW, AlertKind.CROSS_BORDER_NOTICE} <= kinds  # fmt: skip


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 6
    again = seed_care()
    assert again.created == 0
    assert (again.placements, again.held, again.missing, again.charges) == (4, 1, 1, 1)
    assert "4 placements" in again.describe()
