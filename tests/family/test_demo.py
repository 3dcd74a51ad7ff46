"""The demo's family records: made through the services, once."""

import pytest
from django.utils import timezone

from apps.accounts.demo import seed_accounts
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.family.demo import seed_family
from apps.family.models import FamilyAssessment, Relative, TracingNotDoneReason
from apps.family.selectors import current_security_assessment, tracing_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    return seed_family()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_the_demo_holds_each_kind_of_family_record(demo):
    assert (demo.relatives, demo.assessments, demo.tracing_requests, demo.not_done, demo.security_assessments) == (
        2, 1, 1, 1, 1)  # fmt: skip
    mother = Relative.objects.get(case=demo_case("ALV-08"))
    assert mother.identity_verified
    assert mother.relationship_verified
    assert FamilyAssessment.objects.get(relative=mother).covers_exploitation_links
    now = timezone.now()
    assessment = current_security_assessment(case=demo_case("ALV-05"), country="RO", at=now)
    assert assessment.safe
    assert assessment.expires_at > now
    assert not tracing_outcome(case=demo_case("ALV-02"), at=now).done  # sent, no results yet
    outcome = tracing_outcome(case=demo_case("ALV-04"), at=now)
    assert outcome.done
    assert outcome.not_done[0].reason == TracingNotDoneReason.PROTECTION_CLAIM


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 4
    again = seed_family()
    assert again.created == 0
    assert again.relatives == 2
    assert "2 relatives" in again.describe()
