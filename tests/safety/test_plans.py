"""Safety plans: versioned, sealed, with a review date."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from apps.safety.models import SafetyPlan
from apps.safety.selectors import current_safety_plan
from apps.safety.services import safety_plan_record
from tests.care.factories import case_with_staff
from tests.cases.factories import caseworker_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def staffed():
    return case_with_staff()


def plan(case, actor, **kwargs):
    kwargs.setdefault("who_to_call", "Key worker 0800 000 111; emergency 112")
    kwargs.setdefault("review_on", TODAY + timedelta(days=30))
    return safety_plan_record(actor=actor, case=case, **kwargs)


def test_a_plan_is_recorded_with_every_section_sealed(staffed):
    case, caseworker, _boss = staffed
    first = plan(case, caseworker, trafficker_contact="Uncle's number blocked", phones_and_accounts="New SIM",
                 safe_routes="Driven to school", number_changed=True)  # fmt: skip
    assert first.version == 1
    assert first.number_changed
    assert stored(first, "trafficker_contact") == "Uncle's number blocked"
    assert stored(first, "who_to_call") == "Key worker 0800 000 111; emergency 112"
    assert b"Uncle" not in bytes(first.trafficker_contact)


def test_a_new_version_supersedes_the_last_which_stays(staffed):
    case, caseworker, _boss = staffed
    first = plan(case, caseworker)
    second = plan(case, caseworker, safe_routes="School bus with a teacher")
    first.refresh_from_db()
    assert (first.superseded_at is not None, second.version) == (True, 2)
    assert current_safety_plan(case=case) == second
    assert SafetyPlan.objects.filter(case=case).count() == 2


def test_a_plan_says_whom_to_call_and_when_it_is_reviewed(staffed):
    case, caseworker, _boss = staffed
    with pytest.raises(ValidationError):
        plan(case, caseworker, who_to_call=" ")
    with pytest.raises(ValidationError):
        plan(case, caseworker, review_on=TODAY - timedelta(days=1))
    assert not SafetyPlan.objects.exists()


def test_only_the_case_staff_plan(staffed):
    case, _caseworker, _boss = staffed
    with pytest.raises(Http404):
        plan(case, caseworker_in())
