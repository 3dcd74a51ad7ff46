"""R2 — "treated as a child" derived from the facts, on dates before and after the assessment and its appeal period."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings

from apps.age import services
from apps.age.models import AppealOutcome, DocumentKind
from apps.age.selectors import (
    Standing,
    age_claim_list,
    assessment_list,
    conclusion_standing,
    identity_document_list,
    is_treated_as_child,
    latest_possible_birth_date,
    presumption,
)
from apps.cases.services import child_anonymise
from tests.accounts.factories import AgencyFactory
from tests.age.factories import DAY, T0, approved_range, open_assessment, world
from tests.cases.factories import caseworker_in

pytestmark = pytest.mark.django_db
PERIOD = timedelta(days=settings.HAVEN_AGE_APPEAL_DAYS)


@pytest.fixture
def w():
    return world()


def child(w, at):
    return is_treated_as_child(child=w.child, at=at)


def document(w, born, *, at=T0, **kw):
    return services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.NATIONAL_IDENTITY_CARD, issuing_country="GN",
        birth_date=born, at=at, **kw,
    )  # fmt: skip


def test_with_nothing_recorded_the_person_is_a_child_at_any_date(w):
    assert child(w, T0 - 3000 * DAY)
    assert child(w, T0 + 30000 * DAY)


def test_a_document_ends_it_from_the_18th_birthday_it_shows(w):
    document(w, date(2008, 3, 10))
    assert child(w, T0 + 7 * DAY)  # 9 March 2026
    assert not child(w, T0 + 8 * DAY)  # 10 March 2026


def test_a_document_counts_from_when_it_was_recorded(w):
    document(w, date(2000, 1, 1), at=T0)
    assert child(w, T0 - DAY)
    assert not child(w, T0)


def test_a_flag_counts_from_when_it_was_raised(w):
    passport = document(w, date(2000, 1, 1))
    services.identity_document_flag(actor=w.caseworker, document=passport, reason="Forged stamp.", at=T0 + 10 * DAY)
    assert not child(w, T0 + 9 * DAY)
    assert child(w, T0 + 10 * DAY)


def test_a_conclusion_before_its_approval_its_appeal_period_and_after(w):
    assessment = approved_range(w, youngest=19, oldest=22)  # approved at T0 + 2 days
    approved = T0 + 2 * DAY
    assert child(w, T0 - DAY)  # before the assessment
    assert child(w, approved - timedelta(minutes=1))  # concluded, not approved
    assert child(w, approved)  # the appeal period starts
    assert child(w, approved + PERIOD - timedelta(seconds=1))
    assert not child(w, approved + PERIOD)  # passed with no appeal
    assert conclusion_standing(assessment, approved + PERIOD) == Standing.PERIOD_PASSED


def test_an_appeal_holds_it_from_lodging_to_decision(w):
    assessment = approved_range(w, youngest=19, oldest=22)
    lodged, decided = T0 + 40 * DAY, T0 + 90 * DAY  # lodged late, after the period
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="I am 15.", at=lodged)
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.UPHELD,
                               decided_by="Family court", at=decided)  # fmt: skip
    assert not child(w, lodged - DAY)  # the period had passed
    assert child(w, lodged)  # pending
    assert child(w, decided - DAY)
    assert not child(w, decided)  # upheld
    assert presumption(child=w.child, at=decided).ended_by_assessments == (assessment.pk,)


def test_an_overturned_conclusion_counts_neither_before_nor_after(w):
    assessment = approved_range(w, youngest=19, oldest=22)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="I am 15.", at=T0 + 5 * DAY)
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.OVERTURNED,
                               decided_by="Family court", at=T0 + 9 * DAY)  # fmt: skip
    for at in (T0 + 3 * DAY, T0 + 10 * DAY, T0 + 100 * DAY, T0 + 10000 * DAY):
        assert child(w, at)


def test_the_youngest_age_ages_with_the_calendar(w):
    approved_range(w, youngest=16, oldest=19)  # concluded 3 March 2026: latest birth date 3 March 2010
    assert child(w, T0 + 100 * DAY)
    assert child(w, datetime(2028, 3, 2, 23, 59, tzinfo=UTC))
    assert not child(w, datetime(2028, 3, 3, 0, 1, tzinfo=UTC))


def test_an_inconclusive_result_and_claims_and_external_decisions_end_nothing(w):
    services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2001, 1, 1), at=T0)
    services.external_decision_record(
        actor=w.caseworker, case=w.case, authority="Immigration", authority_country="PT", decided_on=date(2026, 1, 5),
        earliest_birth_date=date(1999, 1, 1), latest_birth_date=date(2001, 1, 1), at=T0,
    )  # fmt: skip
    assert child(w, T0 + 1000 * DAY)


def test_an_anonymised_child_can_no_longer_be_shown_an_adult(w):
    document(w, date(2000, 1, 1))
    assert not child(w, T0 + DAY)
    child_anonymise(actor=w.supervisor, child=w.child)
    assert child(w, T0 + DAY)
    assert latest_possible_birth_date(child=w.child) is None


# --- The latest possible birth date (for R9) ------------------------------------------------------
def test_nothing_recorded_no_birth_date(w):
    assert latest_possible_birth_date(child=w.child) is None


def test_the_childs_latest_claim_when_nothing_settles_the_age(w):
    for born in (date(2009, 5, 1), date(2010, 2, 1)):
        services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=born, at=T0)
    assert latest_possible_birth_date(child=w.child) == date(2010, 2, 1)


def test_an_approved_range_counts_by_its_latest_birth_date_over_claims(w):
    services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2012, 1, 1), at=T0)
    approved_range(w, youngest=16, oldest=19)
    assert latest_possible_birth_date(child=w.child) == date(2010, 3, 3)


def test_a_flagged_or_disputed_document_gives_no_birth_date(w):
    passport = document(w, date(2004, 1, 1))
    document(w, date(2005, 1, 1), disputed=True, dispute_reason="Not mine.")
    assert latest_possible_birth_date(child=w.child) == date(2004, 1, 1)
    services.identity_document_flag(actor=w.caseworker, document=passport, reason="Forged.", at=T0 + DAY)
    assert latest_possible_birth_date(child=w.child) is None


def test_an_overturned_range_gives_no_birth_date(w):
    assessment = approved_range(w, youngest=19, oldest=22)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="I am 15.", at=T0 + 5 * DAY)
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.OVERTURNED,
                               decided_by="Family court", at=T0 + 9 * DAY)  # fmt: skip
    assert latest_possible_birth_date(child=w.child) is None


# --- Scope ----------------------------------------------------------------------------------------
def test_lists_hold_only_records_of_cases_the_actor_may_see(w):
    document(w, date(2004, 1, 1))
    services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 1, 1), at=T0)
    open_assessment(w)
    stranger = caseworker_in(AgencyFactory())
    assert identity_document_list(actor=w.caseworker).count() == 1
    assert identity_document_list(actor=w.guardian).count() == 1
    for listing in (identity_document_list, age_claim_list, assessment_list):
        assert not listing(actor=stranger).exists()
