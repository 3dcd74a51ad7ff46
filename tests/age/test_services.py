"""R2 — presumption of minority and age assessment, through the services: every code refused and allowed."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from apps.age import rules, services
from apps.age.models import (
    AdultTreatment,
    AdultTreatmentPurpose,
    AgeAssessment,
    AgeClaim,
    AppealOutcome,
    AssessmentResult,
    AssessmentStatus,
    DocumentKind,
    ExternalAgeDecision,
    IdentityDocument,
    MethodKind,
    MethodOutcome,
    ResultGround,
)
from apps.age.rules import Consent, Professional
from apps.age.selectors import is_treated_as_child
from apps.age.tasks import age_appeal_periods_check
from apps.alerts.models import Alert, AlertKind
from apps.cases import vault
from apps.core.rules import RuleViolation, Violations
from apps.guardianship.services import guardian_appointment_end
from tests.accounts.factories import AgencyFactory
from tests.age.factories import (
    CONSENT,
    DAY,
    PROFESSIONALS,
    T0,
    approve,
    approved_range,
    conclude,
    guardian_opinion,
    method,
    open_assessment,
    with_disability,
    world,
)
from tests.cases.factories import caseworker_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
PERIOD = timedelta(days=settings.HAVEN_AGE_APPEAL_DAYS)
ASSESSMENT = "AGE_ASSESSMENT_NOT_ALLOWED"


@pytest.fixture
def w():
    return world()


def refused(call, *args, **kwargs) -> list[str]:
    with pytest.raises(RuleViolation) as refusal:
        call(*args, **kwargs)
    return refusal.value.codes


def adult_document(w, *, at=T0, born=date(2000, 1, 1), **kw) -> IdentityDocument:
    return services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="ma", birth_date=born, at=at, **kw
    )


def treat_as_adult(w, *, at, purpose=AdultTreatmentPurpose.ADULT_SERVICES, urgent=False) -> AdultTreatment:
    return services.adult_treatment_record(
        actor=w.caseworker, case=w.case, purpose=purpose, reason="Referred to the adult reception centre.", at=at,
        urgent=urgent,
    )  # fmt: skip


# --- Opening an assessment: every condition -------------------------------------------------------
def test_an_assessment_opens_with_every_condition_met(w):
    assessment = open_assessment(w)
    assert assessment.status == AssessmentStatus.OPEN
    assert assessment.overseen_by.guardian == w.guardian
    assert sorted(assessment.professionals.values_list("discipline", flat=True)) == ["psychology", "social_work"]


def test_without_a_guardian_an_unaccompanied_child_cannot_be_assessed():
    w = world(guardian=False)
    assert refused(open_assessment, w) == ["GUARDIAN_REQUIRED", f"{ASSESSMENT}.NO_GUARDIAN"]


def test_a_child_who_needs_no_guardian_still_needs_a_representative_to_oversee_it():
    w = world(unaccompanied=False, guardian=False)
    assert refused(open_assessment, w) == [f"{ASSESSMENT}.NO_GUARDIAN"]


def test_a_representative_lets_a_child_who_needs_no_guardian_be_assessed():
    w = world(unaccompanied=False)
    assert open_assessment(w).overseen_by.guardian == w.guardian


def test_an_ended_appointment_oversees_nothing(w):
    appointment = w.case.guardian_appointments.get()
    guardian_appointment_end(actor=w.supervisor, appointment=appointment, reason="Misconduct", at=T0 - DAY)
    assert refused(open_assessment, w) == ["GUARDIAN_REQUIRED", f"{ASSESSMENT}.NO_GUARDIAN"]


def test_a_reason_why_documents_and_interviews_could_not_settle_the_age_is_required(w):
    assert refused(open_assessment, w, last_resort_reason="  ") == [f"{ASSESSMENT}.NO_LAST_RESORT_REASON"]


@pytest.mark.parametrize(
    "gap",
    [{"given": False}, {"language": ""}, {"explanation": ""}, {"told_no_penalty": False}],
    ids=["refused", "no-language", "not-told-what-it-involves", "not-told-refusing-is-free"],
)
def test_informed_consent_needs_each_of_its_parts(w, gap):
    consent = Consent(**{**CONSENT.__dict__, **gap})
    assert refused(open_assessment, w, consent=consent) == [f"{ASSESSMENT}.NO_INFORMED_CONSENT"]


def test_a_child_who_refuses_stays_presumed_a_child_with_no_penalty(w):
    refused(open_assessment, w, consent=Consent(**{**CONSENT.__dict__, "given": False}))
    assert not AgeAssessment.objects.filter(case=w.case).exists()
    assert is_treated_as_child(child=w.child, at=T0 + 400 * DAY)


@pytest.mark.parametrize(
    "professionals",
    [
        (Professional("Rita Lopes", "social_work"),),
        (Professional("Rita Lopes", "social_work"), Professional("Ana Reis", "social_work")),
        (Professional("Rita Lopes", "social_work"), Professional("", "psychology")),
    ],
    ids=["one", "one-discipline", "one-named"],
)
def test_two_professionals_of_different_disciplines_are_required(w, professionals):
    assert refused(open_assessment, w, professionals=professionals) == [f"{ASSESSMENT}.TOO_FEW_PROFESSIONALS"]


def test_a_disability_on_the_childs_record_needs_an_adaptation(w):
    with_disability(w)
    assert refused(open_assessment, w) == [f"{ASSESSMENT}.NO_DISABILITY_ADAPTATION"]
    assessment = open_assessment(w, disability_adaptation="Sign-language interpreter; shorter meetings.")
    assert assessment.child_has_disability
    opened = vault.open_sealed(
        w.child, vault.data_key(w.child), AgeAssessment, "disability_adaptation", assessment.disability_adaptation
    )
    assert opened == "Sign-language interpreter; shorter meetings."


def test_a_disability_stated_for_the_assessment_needs_an_adaptation_too(w):
    assert refused(open_assessment, w, child_has_disability=True) == [f"{ASSESSMENT}.NO_DISABILITY_ADAPTATION"]


def test_every_missing_condition_is_listed_at_once():
    w = world(guardian=False)
    with_disability(w)
    codes = refused(open_assessment, w, last_resort_reason="", consent=Consent(False, "", "", False), professionals=())
    assert codes == [
        "GUARDIAN_REQUIRED",
        f"{ASSESSMENT}.NO_LAST_RESORT_REASON",
        f"{ASSESSMENT}.NO_GUARDIAN",
        f"{ASSESSMENT}.NO_INFORMED_CONSENT",
        f"{ASSESSMENT}.TOO_FEW_PROFESSIONALS",
        f"{ASSESSMENT}.NO_DISABILITY_ADAPTATION",
    ]


def test_one_assessment_at_a_time(w):
    open_assessment(w)
    with pytest.raises(ValidationError):
        open_assessment(w, at=T0 + DAY)


def test_a_guardian_does_not_open_an_assessment(w):
    with pytest.raises(PermissionDenied):
        services.assessment_open(
            actor=w.guardian, case=w.case, last_resort_reason="x", consent=CONSENT, professionals=PROFESSIONALS, at=T0
        )


def test_someone_who_cannot_see_the_case_gets_a_404(w):
    with pytest.raises(Http404):
        services.assessment_open(
            actor=caseworker_in(AgencyFactory()), case=w.case, last_resort_reason="x", consent=CONSENT,
            professionals=PROFESSIONALS, at=T0,
        )  # fmt: skip


# --- Methods: least intrusive first, never genital or nude ---------------------------------------
def test_a_medical_method_before_any_psychosocial_one_is_refused(w):
    assessment = open_assessment(w)
    codes = refused(method, w, assessment, MethodKind.DENTAL_XRAY, at=T0 + DAY)
    assert codes == [f"{ASSESSMENT}.MEDICAL_BEFORE_PSYCHOSOCIAL"]


def test_a_medical_method_after_a_conclusive_psychosocial_one_is_refused(w):
    assessment = open_assessment(w)
    method(w, assessment, at=T0 + DAY)
    codes = refused(method, w, assessment, MethodKind.HAND_WRIST_XRAY, at=T0 + 2 * DAY)
    assert codes == [f"{ASSESSMENT}.MEDICAL_BEFORE_PSYCHOSOCIAL"]


def test_a_medical_method_after_an_inconclusive_psychosocial_one_is_allowed(w):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    recorded = method(w, assessment, MethodKind.DENTAL_XRAY, at=T0 + 2 * DAY, findings="Third molars developing.")
    assert recorded.kind == MethodKind.DENTAL_XRAY
    assert b"molars" not in bytes(recorded.findings)


@pytest.mark.parametrize("kind", ["genital_examination", "nude_examination", "sexual_maturity_examination"])
def test_a_genital_or_nude_examination_is_never_allowed(w, kind):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    assert refused(method, w, assessment, kind, at=T0 + 2 * DAY) == [f"{ASSESSMENT}.PROHIBITED_METHOD"]


def test_an_examination_that_would_undress_the_child_is_refused_whatever_it_is_called(w):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    codes = refused(method, w, assessment, MethodKind.PAEDIATRIC_EXAMINATION, at=T0 + 2 * DAY, involves_undressing=True)
    assert codes == [f"{ASSESSMENT}.PROHIBITED_METHOD"]
    assert method(w, assessment, MethodKind.PAEDIATRIC_EXAMINATION, at=T0 + 3 * DAY).pk


def test_both_method_rules_are_listed_at_once(w):
    assessment = open_assessment(w)
    codes = refused(method, w, assessment, MethodKind.PAEDIATRIC_EXAMINATION, at=T0 + DAY, involves_undressing=True)
    assert codes == [f"{ASSESSMENT}.PROHIBITED_METHOD", f"{ASSESSMENT}.MEDICAL_BEFORE_PSYCHOSOCIAL"]


# --- The result -------------------------------------------------------------------------------------
def result(w, assessment, *, youngest=16, oldest=17, grounds=(ResultGround.PSYCHOSOCIAL_FINDINGS,), at=T0 + 3 * DAY):
    return services.assessment_result_record(
        actor=w.caseworker, assessment=assessment, youngest_age=youngest, oldest_age=oldest, grounds=grounds, at=at
    )


def test_the_result_is_a_range_of_birth_dates_fixed_on_the_assessment_date_and_sealed(w):
    assessment = open_assessment(w)
    method(w, assessment, at=T0 + DAY)
    concluded = result(w, assessment, youngest=16, oldest=17, at=T0 + 3 * DAY)
    key = vault.data_key(w.child)
    assert concluded.assessed_on == date(2026, 3, 5)
    assert vault.open_sealed(w.child, key, AgeAssessment, "latest_birth_date", concluded.latest_birth_date) == (
        "2010-03-05"
    )
    assert vault.open_sealed(w.child, key, AgeAssessment, "earliest_birth_date", concluded.earliest_birth_date) == (
        "2008-03-06"
    )
    assert b"2010" not in bytes(concluded.latest_birth_date)


@pytest.mark.parametrize("grounds", [(ResultGround.APPEARANCE,), (ResultGround.DEMEANOUR, ResultGround.APPEARANCE), ()])
def test_appearance_or_demeanour_alone_settle_nothing(w, grounds):
    assessment = open_assessment(w)
    method(w, assessment, at=T0 + DAY)
    assert refused(result, w, assessment, grounds=grounds) == [f"{ASSESSMENT}.APPEARANCE_ALONE"]


def test_appearance_beside_findings_is_allowed(w):
    assessment = open_assessment(w)
    method(w, assessment, at=T0 + DAY)
    grounds = (ResultGround.APPEARANCE, ResultGround.PSYCHOSOCIAL_FINDINGS)
    assert result(w, assessment, grounds=grounds).result == AssessmentResult.RANGE


def test_a_range_needs_a_conclusive_method(w):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    assert refused(result, w, assessment) == [f"{ASSESSMENT}.NO_CONCLUSIVE_METHOD"]


def test_an_inconclusive_result_is_always_allowed_and_leaves_the_person_a_child(w):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    concluded = services.assessment_inconclusive_record(actor=w.caseworker, assessment=assessment, at=T0 + 2 * DAY)
    approved = approve(w, concluded, at=T0 + 3 * DAY)
    assert approved.result == AssessmentResult.INCONCLUSIVE
    assert is_treated_as_child(child=w.child, at=T0 + 3000 * DAY)


def test_a_refused_medical_examination_never_by_itself_leads_to_adulthood(w):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    method(w, assessment, MethodKind.HAND_WRIST_XRAY, MethodOutcome.REFUSED, at=T0 + 2 * DAY)
    codes = refused(result, w, assessment, youngest=19, oldest=22, grounds=(ResultGround.MEDICAL_FINDINGS,))
    assert codes == [f"{ASSESSMENT}.NO_CONCLUSIVE_METHOD", "PRESUMED_MINOR.MEDICAL_REFUSAL"]


def test_after_a_refused_examination_a_conclusive_one_may_still_settle_the_age(w):
    assessment = open_assessment(w)
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=T0 + DAY)
    method(w, assessment, MethodKind.HAND_WRIST_XRAY, MethodOutcome.REFUSED, at=T0 + 2 * DAY)
    method(w, assessment, MethodKind.DENTAL_EXAMINATION, at=T0 + 2 * DAY + timedelta(hours=1))
    concluded = result(w, assessment, youngest=19, oldest=22, grounds=(ResultGround.MEDICAL_FINDINGS,))
    assert concluded.result == AssessmentResult.RANGE


def test_a_range_upside_down_is_refused(w):
    assessment = open_assessment(w)
    method(w, assessment, at=T0 + DAY)
    with pytest.raises(ValidationError):
        result(w, assessment, youngest=18, oldest=16)


# --- Approval ---------------------------------------------------------------------------------------
@pytest.fixture
def concluded(w):
    assessment = open_assessment(w)
    return conclude(w, assessment, youngest=19, oldest=21, at=T0 + DAY)


def approval(w, assessment, *, info="Told how to appeal, in Darija.", at=T0 + 2 * DAY, actor=None):
    return services.assessment_conclusion_approve(
        actor=actor or w.supervisor, assessment=assessment, appeal_information=info, at=at
    )


def test_approval_waits_for_the_guardians_opinion(w, concluded):
    assert refused(approval, w, concluded) == ["GUARDIAN_OPINION_REQUIRED"]
    guardian_opinion(w, concluded, at=T0 + DAY + timedelta(hours=3))
    assert approval(w, concluded).status == AssessmentStatus.APPROVED


def test_the_decision_tells_the_child_how_to_appeal(w, concluded):
    guardian_opinion(w, concluded, at=T0 + DAY + timedelta(hours=3))
    assert refused(approval, w, concluded, info=" ") == [f"{ASSESSMENT}.NO_APPEAL_INFORMATION"]
    approved = approval(w, concluded)
    assert stored(approved, "appeal_information").startswith("Told how to appeal")
    assert approved.appeal_period_ends_at == T0 + 2 * DAY + PERIOD


def test_approval_needs_the_guardian_still_in_office_and_their_opinion_then_speaks_for_nobody(w, concluded):
    guardian_opinion(w, concluded, at=T0 + DAY + timedelta(hours=3))
    appointment = w.case.guardian_appointments.get()
    guardian_appointment_end(
        actor=w.supervisor, appointment=appointment, reason="Moved away", at=T0 + DAY + timedelta(hours=4)
    )
    assert refused(approval, w, concluded) == ["GUARDIAN_REQUIRED", "GUARDIAN_OPINION_REQUIRED"]


def test_only_a_supervisor_approves(w, concluded):
    guardian_opinion(w, concluded, at=T0 + DAY + timedelta(hours=3))
    with pytest.raises(PermissionDenied):
        approval(w, concluded, actor=w.caseworker)


def test_an_approved_conclusion_alerts_the_guardian_and_the_caseworker_once(w, concluded):
    guardian_opinion(w, concluded, at=T0 + DAY + timedelta(hours=3))
    approval(w, concluded)
    alerts = Alert.objects.filter(kind=AlertKind.AGE_APPEAL_PERIOD, case=w.case)
    assert {a.user for a in alerts} == {w.guardian, w.caseworker}
    assert all(a.due_at == T0 + 2 * DAY + PERIOD for a in alerts)
    assert all(w.case.reference in a.detail for a in alerts)
    assert services.age_appeal_periods_alert(at=T0 + 3 * DAY) == 0  # already told


def test_the_periodic_check_reminds_near_the_end_and_says_when_the_conclusion_stands(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    ends = assessment.appeal_period_ends_at
    assert services.age_appeal_periods_alert(at=ends - 10 * DAY) == 0
    assert services.age_appeal_periods_alert(at=ends - 3 * DAY) == 2  # guardian and caseworker reminded
    assert services.age_appeal_periods_alert(at=ends - 2 * DAY) == 0
    assert services.age_appeal_periods_alert(at=ends + DAY) == 1  # the caseworker: it stands
    assert services.age_appeal_periods_alert(at=ends + 2 * DAY) == 0


def test_the_periodic_check_is_quiet_once_an_appeal_is_lodged(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    assert services.age_appeal_periods_alert(at=assessment.appeal_period_ends_at - DAY) == 0


def test_the_periodic_task_runs_the_check():
    assert age_appeal_periods_check() == 0


# --- Appeals ----------------------------------------------------------------------------------------
def test_the_guardian_lodges_an_appeal_and_only_one_is_pending(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    assert appeal.lodged_by == w.guardian
    with pytest.raises(ValidationError):
        services.age_appeal_lodge(actor=w.caseworker, assessment=assessment, grounds="Again", at=T0 + 4 * DAY)


def test_a_conclusion_not_yet_approved_cannot_be_appealed(w, concluded):
    with pytest.raises(ValidationError):
        services.age_appeal_lodge(actor=w.guardian, assessment=concluded, grounds="He is 16.", at=T0 + 3 * DAY)


def test_a_decided_appeal_is_never_decided_again(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.OVERTURNED,
                               decided_by="Family court of Alvora", at=T0 + 9 * DAY)  # fmt: skip
    with pytest.raises(ValidationError):
        services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.UPHELD, decided_by="x")
    with pytest.raises(ValidationError):
        services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="More", at=T0 + 10 * DAY)


def test_an_assessment_stopped_when_consent_is_withdrawn_leaves_a_child(w):
    assessment = open_assessment(w)
    stopped = services.assessment_stop(actor=w.caseworker, assessment=assessment, reason="He withdrew consent.",
                                       at=T0 + DAY)  # fmt: skip
    assert stopped.status == AssessmentStatus.STOPPED
    assert is_treated_as_child(child=w.child, at=T0 + 3000 * DAY)
    assert open_assessment(w, at=T0 + 2 * DAY).pk  # a new one may be opened later


# --- PRESUMED_MINOR: treating the person as an adult ---------------------------------------------
def test_treating_a_presumed_minor_as_an_adult_is_refused(w):
    assert refused(treat_as_adult, w, at=T0) == ["PRESUMED_MINOR"]
    assert not AdultTreatment.objects.exists()


def test_an_undisputed_unflagged_document_showing_adulthood_allows_it(w):
    document = adult_document(w)
    treatment = treat_as_adult(w, at=T0 + DAY)
    assert treatment.ended_by_document == document


def test_a_document_showing_a_child_allows_nothing(w):
    adult_document(w, born=date(2010, 6, 30))
    assert refused(treat_as_adult, w, at=T0 + DAY) == ["PRESUMED_MINOR"]


def test_a_flagged_document_ends_nothing_until_a_supervisor_withdraws_the_flag(w):
    document = adult_document(w)
    services.identity_document_flag(actor=w.caseworker, document=document, reason="Supplied by the trafficker.",
                                    at=T0 + DAY)  # fmt: skip
    assert refused(treat_as_adult, w, at=T0 + 2 * DAY) == ["PRESUMED_MINOR"]
    with pytest.raises(RuleViolation) as refusal:
        services.identity_document_flag_withdraw(actor=w.caseworker, document=document, reason="x", at=T0 + 3 * DAY)
    assert refusal.value.codes == ["PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR"]
    services.identity_document_flag_withdraw(actor=w.supervisor, document=document,
                                             reason="Embassy confirmed it genuine.", at=T0 + 3 * DAY)  # fmt: skip
    assert treat_as_adult(w, at=T0 + 4 * DAY).ended_by_document == document


def test_a_document_the_person_disputes_ends_nothing_until_they_accept_it(w):
    document = adult_document(w, disputed=True, dispute_reason="Says it was bought for the journey.")
    assert refused(treat_as_adult, w, at=T0 + DAY) == ["PRESUMED_MINOR"]
    services.identity_document_dispute(actor=w.supervisor, document=document, disputed=False,
                                       reason="Now says it is his.", at=T0 + 2 * DAY)  # fmt: skip
    assert treat_as_adult(w, at=T0 + 3 * DAY).pk


def test_only_a_supervisor_records_that_the_person_no_longer_disputes_a_document(w):
    document = adult_document(w, disputed=True, dispute_reason="Says it was bought for the journey.")
    with pytest.raises(RuleViolation) as refusal:
        services.identity_document_dispute(actor=w.caseworker, document=document, disputed=False,
                                           reason="Now says it is his.", at=T0 + DAY)  # fmt: skip
    assert refusal.value.codes == ["PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR"]
    assert refused(treat_as_adult, w, at=T0 + 2 * DAY) == ["PRESUMED_MINOR"]


# --- A document contradicted by the child's own claim is disputed ---------------------------------
def claim(w, born, *, at):
    return services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=born, at=at)


def test_a_passport_contradicted_by_the_childs_claim_does_not_end_the_presumption(w):
    adult_document(w, born=date(2000, 1, 1), at=T0)
    claim(w, date(2010, 5, 1), at=T0 + DAY)
    assert refused(treat_as_adult, w, at=T0 + 2 * DAY) == [
        "PRESUMED_MINOR",
        "PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM",
    ]
    assert is_treated_as_child(child=w.child, at=T0 + 2 * DAY)


def test_a_claim_made_before_the_passport_was_recorded_disputes_it_too(w):
    claim(w, date(2010, 5, 1), at=T0 - DAY)
    adult_document(w, born=date(2000, 1, 1), at=T0)
    assert is_treated_as_child(child=w.child, at=T0 + DAY)


def test_a_claim_that_also_shows_adulthood_disputes_nothing(w):
    adult_document(w, born=date(2000, 1, 1), at=T0)
    claim(w, date(2001, 3, 3), at=T0 + DAY)
    assert treat_as_adult(w, at=T0 + 2 * DAY).pk


def test_a_claimed_dispute_ends_when_the_supervisor_records_that_the_child_accepts_the_document(w):
    document = adult_document(w, born=date(2000, 1, 1), at=T0)
    claim(w, date(2010, 5, 1), at=T0 + DAY)
    services.identity_document_dispute(actor=w.supervisor, document=document, disputed=False,
                                       reason="Told the interpreter the passport is his.", at=T0 + 2 * DAY)  # fmt: skip
    assert treat_as_adult(w, at=T0 + 3 * DAY).ended_by_document == document
    claim(w, date(2011, 1, 1), at=T0 + 4 * DAY)  # a new claim reopens the dispute
    assert refused(treat_as_adult, w, at=T0 + 5 * DAY) == [
        "PRESUMED_MINOR",
        "PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM",
    ]


def test_a_claimed_dispute_is_settled_by_an_approved_assessment_once_its_appeal_period_passed(w):
    adult_document(w, born=date(2000, 1, 1), at=T0 - 10 * DAY)
    claim(w, date(2010, 5, 1), at=T0 - 9 * DAY)
    assessment = approved_range(w, youngest=19, oldest=23)
    before = assessment.appeal_period_ends_at - DAY
    assert "PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM" in refused(treat_as_adult, w, at=before)
    assert treat_as_adult(w, at=assessment.appeal_period_ends_at + DAY).ended_by_assessment == assessment


def test_a_disputed_document_needs_what_the_person_says(w):
    with pytest.raises(ValidationError):
        adult_document(w, disputed=True)


def test_an_external_decision_never_ends_the_presumption_by_itself(w):
    decision = services.external_decision_record(
        actor=w.caseworker, case=w.case, authority="Border police", authority_country="pt",
        decided_on=date(2026, 2, 1), earliest_birth_date=date(2004, 1, 1), latest_birth_date=date(2006, 1, 1), at=T0,
    )  # fmt: skip
    assert decision.found_adult
    assert refused(treat_as_adult, w, at=T0 + DAY) == ["PRESUMED_MINOR", "PRESUMED_MINOR.EXTERNAL_DECISION"]
    adult_document(w, at=T0 + 2 * DAY)
    assert treat_as_adult(w, at=T0 + 3 * DAY).pk


def test_an_external_decision_is_recorded_as_challenged(w):
    decision = services.external_decision_record(
        actor=w.caseworker, case=w.case, authority="Immigration", authority_country="PT",
        decided_on=date(2026, 2, 1), earliest_birth_date=date(2004, 1, 1), latest_birth_date=date(2004, 1, 1), at=T0,
    )  # fmt: skip
    challenged = services.external_decision_challenge(
        actor=w.guardian, decision=decision, challenge="Legal aid asked for a review.", at=T0 + DAY
    )
    assert challenged.challenged_by == w.guardian
    assert stored(challenged, "challenge") == "Legal aid asked for a review."


def test_an_adult_conclusion_counts_only_once_the_appeal_period_has_passed(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    until = assessment.appeal_period_ends_at.date().isoformat()
    assert refused(treat_as_adult, w, at=T0 + 3 * DAY) == ["PRESUMED_MINOR", "PRESUMED_MINOR.APPEAL_PERIOD_RUNNING"]
    with pytest.raises(RuleViolation) as refusal:
        treat_as_adult(w, at=T0 + 3 * DAY)
    assert until in refusal.value.messages[1]
    assert treat_as_adult(w, at=assessment.appeal_period_ends_at).ended_by_assessment == assessment


def test_a_pending_appeal_holds_the_conclusion_until_it_is_upheld(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    after_period = assessment.appeal_period_ends_at + DAY
    assert refused(treat_as_adult, w, at=after_period) == ["PRESUMED_MINOR", "PRESUMED_MINOR.APPEAL_PENDING"]
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.UPHELD,
                               decided_by="Family court of Alvora", at=after_period + DAY)  # fmt: skip
    assert treat_as_adult(w, at=after_period + 2 * DAY).ended_by_assessment == assessment


def test_an_appeal_upheld_within_the_period_settles_it_at_once(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.UPHELD,
                               decided_by="Family court of Alvora", at=T0 + 5 * DAY)  # fmt: skip
    assert treat_as_adult(w, at=T0 + 6 * DAY).pk


def test_an_overturned_conclusion_never_counts(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.OVERTURNED,
                               decided_by="Family court of Alvora", at=T0 + 5 * DAY)  # fmt: skip
    assert refused(treat_as_adult, w, at=T0 + 3000 * DAY) == ["PRESUMED_MINOR"]


def test_a_child_conclusion_counts_from_the_day_the_youngest_age_turns_18(w):
    assessment = approved_range(w, youngest=17, oldest=18)  # concluded on 3 March 2026
    assert assessment.assessed_on == date(2026, 3, 3)
    assert refused(treat_as_adult, w, at=T0 + 360 * DAY) == ["PRESUMED_MINOR"]
    assert treat_as_adult(w, at=T0 + 366 * DAY).ended_by_assessment == assessment


# --- Urgent protection is never refused ----------------------------------------------------------
def test_an_emergency_placement_among_adults_is_never_refused_and_is_reviewed():
    w = world(guardian=False)  # presumed a child, no guardian, nothing settled
    open_assessment_refusal = refused(open_assessment, w)
    assert "GUARDIAN_REQUIRED" in open_assessment_refusal
    treatment = treat_as_adult(w, at=T0, purpose=AdultTreatmentPurpose.ADULT_ACCOMMODATION, urgent=True)
    assert treatment.urgent
    assert treatment.ended_by_document is None
    assert treatment.ended_by_assessment is None
    review = Alert.objects.get(kind=AlertKind.URGENT_ACTION_REVIEW, case=w.case)
    assert review.due_at == T0 + timedelta(hours=settings.HAVEN_URGENT_REVIEW_HOURS)


def test_the_guardian_is_asked_to_review_an_urgent_placement(w):
    treat_as_adult(w, at=T0, purpose=AdultTreatmentPurpose.ADULT_ACCOMMODATION, urgent=True)
    assert Alert.objects.get(kind=AlertKind.URGENT_ACTION_GUARDIAN_REVIEW).user == w.guardian


def test_an_open_assessment_or_a_pending_appeal_stands_in_the_way_of_no_urgent_action(w):
    assessment = approved_range(w, youngest=19, oldest=21)
    services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="He is 16.", at=T0 + 3 * DAY)
    found = Violations()
    rules.not_treated_as_adult(found, case=w.case, action="an emergency placement", at=T0 + 4 * DAY, urgent=True)
    assert not found


def test_only_a_protective_placement_is_urgent(w):
    with pytest.raises(ValidationError):
        treat_as_adult(w, at=T0, purpose=AdultTreatmentPurpose.CHILD_PROTECTION_ENDED, urgent=True)


# --- Records and what they keep ----------------------------------------------------------------------
def test_birth_dates_are_stored_sealed_with_the_childs_key(w):
    document = adult_document(w, born=date(2003, 1, 22))
    claim = services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 6, 30), at=T0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT birth_date FROM age_identitydocument WHERE id = %s", [document.pk])
        (stored,) = cursor.fetchone()
    assert b"2003" not in bytes(stored)
    key = vault.data_key(w.child)
    assert vault.open_sealed(w.child, key, IdentityDocument, "birth_date", document.birth_date) == "2003-01-22"
    assert vault.open_sealed(w.child, key, AgeClaim, "birth_date", claim.birth_date) == "2010-06-30"
    assert document.issuing_country == "MA"


def test_a_birth_date_in_the_future_is_refused(w):
    with pytest.raises(RuleViolation, match=r"DATE_NOT_PLAUSIBLE\.IN_THE_FUTURE"):
        services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2026, 3, 3), at=T0)


def test_an_external_decision_with_its_range_upside_down_is_refused(w):
    with pytest.raises(ValidationError):
        services.external_decision_record(
            actor=w.caseworker, case=w.case, authority="Immigration", authority_country="PT",
            decided_on=date(2026, 2, 1), earliest_birth_date=date(2006, 1, 1), latest_birth_date=date(2004, 1, 1),
            at=T0,
        )  # fmt: skip


def test_records_of_a_case_out_of_sight_are_a_404(w):
    with pytest.raises(Http404):
        services.age_claim_record(actor=caseworker_in(AgencyFactory()), case=w.case, birth_date=date(2010, 1, 1))
    assert not ExternalAgeDecision.objects.exists()
