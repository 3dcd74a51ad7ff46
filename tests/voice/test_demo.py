"""The demo's voice records: made through the services, once, counted without a name."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.age.demo import seed_age
from apps.care.demo import seed_care
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.guardianship.demo import seed_guardianship
from apps.voice.demo import TODDLER, seed_voice
from apps.voice.models import ChildViews, InformationSession, NotHeardReason
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    seed_guardianship()
    seed_care()
    seed_age()
    return seed_voice()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_the_demo_holds_sessions_with_interpreters_views_an_objection_and_a_child_not_heard(demo):
    assert (demo.interpreters, demo.sessions, demo.heard, demo.not_heard, demo.objections) == (3, 4, 3, 1, 1)
    assert InformationSession.objects.filter(interpreter__isnull=False).count() == 4
    assert ChildViews.records.get(objects=True).case == demo_case("ALV-01")
    toddler = ChildViews.records.get(heard=False)
    assert toddler.case == Case.objects.get(police_evidence_reference=TODDLER)
    assert NotHeardReason.CHILD_AGE in toddler.not_heard_reasons
    assert len(toddler.not_heard_reasons) > 1  # age is never the only reason
    assert toddler.method_tried is not None


def test_the_session_with_another_gender_than_preferred_says_why(demo):
    session = InformationSession.objects.get(case=demo_case("ALV-02"))
    assert session.interpreter.gender == "female"
    assert stored(session, "gender_reason")


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 16  # 3 interpreters, 4 declarations, 2 profiles, 4 sessions, 3 views
    counts = [model.objects.count() for model in (InformationSession, Case)] + [ChildViews.records.count()]
    again = seed_voice()
    assert again.created == 0
    assert [model.objects.count() for model in (InformationSession, Case)] + [ChildViews.records.count()] == counts
    assert "4 information sessions" in again.describe()
    assert "Little one" not in again.describe()
