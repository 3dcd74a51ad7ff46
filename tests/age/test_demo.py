"""The demo's age disputes: made through the services, and made once."""

import pytest
from django.utils import timezone

from apps.age.demo import seed_age
from apps.age.models import AgeAssessment, AssessmentStatus, DocumentEvent, ExternalAgeDecision, IdentityDocument
from apps.age.selectors import is_treated_as_child
from apps.cases.demo import MARKER_PREFIX
from apps.cases.models import Case
from apps.core.demo import seed_demo_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_demo_world()
    return seed_age()


def _case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_a_child_with_a_disputed_age_is_under_assessment(demo):
    case = _case("ALV-02")
    assessment = AgeAssessment.objects.get(case=case)
    assert assessment.status == AssessmentStatus.OPEN
    assert assessment.methods.get().outcome == "inconclusive"
    assert ExternalAgeDecision.objects.get(case=case).challenged_at is not None
    assert is_treated_as_child(child=case.child, at=timezone.now())


def test_a_child_travelled_on_a_document_flagged_as_possibly_false(demo):
    case = _case("ALV-06")
    document = IdentityDocument.objects.get(case=case)
    assert set(DocumentEvent.objects.filter(document=document).values_list("kind", flat=True)) == {
        "disputed",
        "flagged",
    }
    assert is_treated_as_child(child=case.child, at=timezone.now())


def test_the_summary_counts_without_naming_anyone(demo):
    assert (demo.assessments_open, demo.documents_flagged, demo.external_decisions, demo.treated_as_children) == (
        1,
        1,
        2,
        3,
    )
    assert "Muhammad" not in demo.describe()


def test_running_it_again_creates_nothing(demo):
    counts = (AgeAssessment.objects.count(), IdentityDocument.objects.count(), DocumentEvent.objects.count())
    again = seed_age()
    assert counts == (AgeAssessment.objects.count(), IdentityDocument.objects.count(), DocumentEvent.objects.count())
    assert again == demo
