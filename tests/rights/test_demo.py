"""The demo's status-and-rights records: made through the services, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.demo import seed_accounts
from apps.alerts.models import Alert, AlertKind
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.rights.demo import seed_rights
from apps.rights.models import ProceedingInterview, ResidencePermit
from apps.rights.selectors import interview_count, protection_status
from apps.rights.services import status_deadlines_alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    return seed_rights()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_the_demo_holds_each_kind_of_rights_record(demo):
    assert (demo.claims, demo.permits, demo.proceedings, demo.interviews, demo.compensation_claims) == (1, 1, 1, 2, 1)
    mohamed = demo_case("MON-01")
    assert mohamed.scope == "transnational"
    assert protection_status(case=mohamed, at=timezone.now()).asylum_pending
    assert demo_case("ALV-02").identification_status == "formally_identified"
    assert interview_count(case=demo_case("ALV-05")) == 2
    assert all(i.special_measures for i in ProceedingInterview.objects.all())


def test_the_demo_permit_expiring_soon_is_alerted(demo):
    permit = ResidencePermit.objects.get()
    assert permit.expires_on <= timezone.localdate() + timedelta(days=60)
    assert status_deadlines_alert() >= 1
    assert Alert.objects.filter(kind=AlertKind.RESIDENCE_PERMIT_EXPIRING, case=permit.case).exists()


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 7
    again = seed_rights()
    assert again.created == 0
    assert (again.claims, again.permits, again.proceedings, again.interviews) == (1, 1, 1, 2)
    assert "2 interviews" in again.describe()
