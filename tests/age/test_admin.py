"""R2 in the admin: every code refused and allowed through the same services, scoped, never deleted."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.age import services
from apps.age.models import (
    AdultTreatment,
    AgeAppeal,
    AgeAssessment,
    AgeClaim,
    AppealOutcome,
    AssessmentMethod,
    AssessmentResult,
    AssessmentStatus,
    DocumentKind,
    ExternalAgeDecision,
    IdentityDocument,
    MethodKind,
    MethodOutcome,
)
from apps.alerts.models import Alert, AlertKind
from apps.audit.models import RecordAccess
from apps.cases import vault
from apps.cases.models import GatingFactChange
from apps.core.rules import Violation
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.age.factories import (
    DAY,
    approve,
    conclude,
    guardian_opinion,
    method,
    open_assessment,
    with_disability,
    world,
)
from tests.cases.sealed import stored
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db
PREFIXES = {IdentityDocument: ("events",), AgeAssessment: ("professionals", "methods", "appeals"), AgeAppeal: ()}


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def w(now):
    w = world(appointed_at=now - 60 * DAY)
    make_staff(w.caseworker, w.supervisor, w.guardian)
    return w


@pytest.fixture
def cw(client, w):
    client.force_login(w.caseworker)
    return client


def add_url(model):
    return reverse(f"admin:age_{model._meta.model_name}_add")


def change_url(obj):
    return reverse(f"admin:age_{obj._meta.model_name}_change", args=[obj.pk])


def with_inlines(obj, data):
    """The change form as the browser posts it: the read-only inlines' management forms too."""
    for prefix in PREFIXES.get(type(obj), ()):
        count = getattr(obj, prefix).count()
        data |= {f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count, f"{prefix}-MIN_NUM_FORMS": 0,
                 f"{prefix}-MAX_NUM_FORMS": 1000}  # fmt: skip
    return data


def post_change(client, obj, **data):
    return client.post(change_url(obj), with_inlines(obj, data))


def errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return [*form.non_field_errors(), *(m for name, ms in form.errors.items() if name != "__all__" for m in ms)]


def message(code, **facts) -> str:
    """A refusal as the admin shows it: the rule's words, then its code."""
    return f"{Violation(code, facts).message} ({code})"


# --- Who may use it -------------------------------------------------------------------------------
def test_staff_without_a_case_role_cannot_open_it(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("admin:age_ageassessment_changelist")).status_code == 403


def test_a_record_of_a_case_out_of_sight_is_a_404_logged_as_denied(client, w, now):
    claim = services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 1, 1), at=now)
    stranger = MembershipFactory(role=Role.CASEWORKER, agency=AgencyFactory()).user
    make_staff(stranger)
    client.force_login(stranger)
    assert client.get(change_url(claim)).status_code == 404
    assert RecordAccess.objects.filter(actor=stranger, case=w.case, allowed=False).exists()
    assert client.get(reverse("admin:age_ageclaim_changelist")).context["cl"].result_count == 0


def test_a_page_with_sealed_values_shows_them_and_logs_the_read(cw, w, now):
    claim = services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 6, 30), at=now)
    response = cw.get(change_url(claim))
    assert "2010-06-30" in response.content.decode()
    assert RecordAccess.objects.filter(actor=w.caseworker, case=w.case, allowed=True, action="age:ageclaim").exists()


def test_nothing_is_deleted(cw, w, now):
    claim = services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 1, 1), at=now)
    assert cw.post(reverse("admin:age_ageclaim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 403
    assert AgeClaim.objects.filter(pk=claim.pk).exists()


# --- Documents, claims, external decisions ------------------------------------------------------------
def test_a_document_is_recorded_through_the_service_and_sealed(cw, w):
    response = cw.post(add_url(IdentityDocument), {"case": w.case.pk, "kind": DocumentKind.PASSPORT,
                                                   "issuing_country": "ng", "birth_date": "2003-01-22"})  # fmt: skip
    assert response.status_code == 302
    document = IdentityDocument.objects.get(case=w.case)
    assert document.issuing_country == "NG"
    assert vault.open_sealed(w.child, vault.data_key(w.child), IdentityDocument, "birth_date", document.birth_date) == (
        "2003-01-22"
    )


def test_a_document_is_flagged_with_a_reason_and_the_flag_withdrawn_only_by_a_supervisor(cw, w, now):
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="NG", birth_date=date(2003, 1, 22),
        at=now - DAY,
    )  # fmt: skip
    assert errors(post_change(cw, document, event="flag", reason=""))
    assert post_change(cw, document, event="flag", reason="Supplied by the trafficker.").status_code == 302
    refused = post_change(cw, document, event="withdraw_flag", reason="Genuine")
    assert [e.endswith("(PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR)") for e in errors(refused)] == [True]
    cw.force_login(w.supervisor)
    assert post_change(cw, document, event="withdraw_flag", reason="Embassy confirmed it.").status_code == 302
    assert list(document.events.values_list("kind", flat=True)) == ["flagged", "flag_withdrawn"]
    history = GatingFactChange.objects.filter(subject=f"identity document {document.pk}").order_by("pk")
    assert [(c.before, c.after, c.approved_by) for c in history] == [(False, True, None), (True, False, w.supervisor)]


def test_the_admin_shows_that_accepting_a_disputed_document_is_a_supervisors(cw, w, now):
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="NG", birth_date=date(2003, 1, 22),
        disputed=True, dispute_reason="Says it was bought for the journey.", at=now - DAY,
    )  # fmt: skip
    refused = post_change(cw, document, event="accept", reason="Now says it is his.")
    assert [e.endswith("(PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR)") for e in errors(refused)] == [True]
    cw.force_login(w.supervisor)
    assert post_change(cw, document, event="accept", reason="Now says it is his.").status_code == 302
    change = GatingFactChange.objects.filter(fact="identity_document_dispute").latest("pk")
    assert (change.before, change.after, change.lifts_protection, change.approved_by) == (
        True,
        False,
        True,
        w.supervisor,
    )


def test_a_claim_is_recorded(cw, w):
    assert cw.post(add_url(AgeClaim), {"case": w.case.pk, "birth_date": "2010-06-30"}).status_code == 302
    assert AgeClaim.objects.filter(case=w.case).count() == 1


def test_an_external_decision_is_recorded_then_challenged(cw, w):
    response = cw.post(add_url(ExternalAgeDecision), {
        "case": w.case.pk, "authority": "Border police", "authority_country": "PT", "decided_on": "2026-01-05",
        "earliest_birth_date": "2005-01-01", "latest_birth_date": "",
    })  # fmt: skip
    assert response.status_code == 302
    decision = ExternalAgeDecision.objects.get(case=w.case)
    assert decision.found_adult
    assert post_change(cw, decision, challenge="Legal aid asked for a review.").status_code == 302
    decision.refresh_from_db()
    assert stored(decision, "challenge") == "Legal aid asked for a review."


# --- Opening an assessment ---------------------------------------------------------------------------
def opening(case, **changes):
    return {
        "case": case.pk, "last_resort_reason": "No document; the interviews could not settle it.",
        "consent_given": "on", "consent_language": "Arabic (Darija)",
        "consent_explanation": "Two conversations; nothing medical without asking again.",
        "consent_told_no_penalty": "on", "professional_1": "Rita Lopes", "discipline_1": "social_work",
        "professional_2": "Samir Haddad", "discipline_2": "psychology", "professional_3": "", "discipline_3": "",
        "disability_adaptation": "",
    } | changes  # fmt: skip


def test_an_assessment_opens_through_the_admin(cw, w):
    response = cw.post(add_url(AgeAssessment), opening(w.case))
    assert response.status_code == 302
    assert AgeAssessment.objects.get(case=w.case).status == AssessmentStatus.OPEN


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("NO_LAST_RESORT_REASON", {"last_resort_reason": ""}),
        ("NO_INFORMED_CONSENT", {"consent_given": ""}),
        ("NO_INFORMED_CONSENT", {"consent_told_no_penalty": ""}),
        ("TOO_FEW_PROFESSIONALS", {"discipline_2": "social_work"}),
        ("NO_DISABILITY_ADAPTATION", {"child_has_disability": "on"}),
    ],
)
def test_each_opening_condition_is_refused_on_the_form(cw, w, code, changes):
    data = {k: v for k, v in opening(w.case, **changes).items() if v != ""}
    response = cw.post(add_url(AgeAssessment), data)
    assert errors(response) == [message(f"AGE_ASSESSMENT_NOT_ALLOWED.{code}")]
    assert not AgeAssessment.objects.exists()


def test_a_disability_on_the_record_is_refused_then_allowed_with_an_adaptation(cw, w):
    with_disability(w)
    assert errors(cw.post(add_url(AgeAssessment), opening(w.case))) == [
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_DISABILITY_ADAPTATION")
    ]
    response = cw.post(add_url(AgeAssessment), opening(w.case, disability_adaptation="Sign-language interpreter."))
    assert response.status_code == 302


def test_without_a_guardian_every_missing_condition_is_shown_at_once(client, now):
    w = world(guardian=False)
    make_staff(w.caseworker)
    client.force_login(w.caseworker)
    response = client.post(add_url(AgeAssessment), {"case": w.case.pk})
    assert errors(response) == [
        message("GUARDIAN_REQUIRED", action="an age assessment"),
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_LAST_RESORT_REASON"),
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_GUARDIAN"),
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_INFORMED_CONSENT"),
        message("AGE_ASSESSMENT_NOT_ALLOWED.TOO_FEW_PROFESSIONALS"),
    ]


def test_a_representative_for_a_child_who_needs_no_guardian(client, now):
    w = world(unaccompanied=False, guardian=False)
    make_staff(w.caseworker)
    client.force_login(w.caseworker)
    assert errors(client.post(add_url(AgeAssessment), opening(w.case))) == [
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_GUARDIAN")
    ]


# --- Methods ------------------------------------------------------------------------------------------
@pytest.fixture
def assessment(w, now):
    return open_assessment(w, at=now - 10 * DAY)


def method_form(assessment, kind, **extra):
    return {"assessment": assessment.pk, "kind": kind, "outcome": MethodOutcome.INCONCLUSIVE, "findings": ""} | extra


def test_a_medical_method_first_is_refused_and_after_an_inconclusive_psychosocial_one_allowed(cw, assessment):
    response = cw.post(add_url(AssessmentMethod), method_form(assessment, MethodKind.DENTAL_XRAY))
    assert errors(response) == [message("AGE_ASSESSMENT_NOT_ALLOWED.MEDICAL_BEFORE_PSYCHOSOCIAL")]
    assert cw.post(add_url(AssessmentMethod), method_form(assessment, MethodKind.PSYCHOSOCIAL)).status_code == 302
    assert cw.post(add_url(AssessmentMethod), method_form(assessment, MethodKind.DENTAL_XRAY)).status_code == 302
    assert assessment.methods.count() == 2


def test_an_examination_undressing_the_child_is_refused_and_a_clothed_one_allowed(cw, w, assessment, now):
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=now - 9 * DAY)
    data = method_form(assessment, MethodKind.PAEDIATRIC_EXAMINATION, involves_undressing="on")
    assert errors(cw.post(add_url(AssessmentMethod), data)) == [message("AGE_ASSESSMENT_NOT_ALLOWED.PROHIBITED_METHOD")]
    del data["involves_undressing"]
    assert cw.post(add_url(AssessmentMethod), data).status_code == 302


# --- The result -----------------------------------------------------------------------------------------
def range_result(youngest=19, oldest=21, grounds=("psychosocial_findings",)):
    return {"result": AssessmentResult.RANGE, "youngest_age": youngest, "oldest_age": oldest, "assessed_on": "",
            "grounds": list(grounds), "stop_reason": ""}  # fmt: skip


def test_appearance_alone_is_refused_and_findings_allowed(cw, w, assessment, now):
    method(w, assessment, at=now - 9 * DAY)
    refused = post_change(cw, assessment, **range_result(grounds=("appearance", "demeanour")))
    assert errors(refused) == [message("AGE_ASSESSMENT_NOT_ALLOWED.APPEARANCE_ALONE")]
    assert post_change(cw, assessment, **range_result()).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.result) == (AssessmentStatus.CONCLUDED, AssessmentResult.RANGE)


def test_no_conclusive_method_is_refused_and_an_inconclusive_result_allowed(cw, w, assessment, now):
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=now - 9 * DAY)
    assert errors(post_change(cw, assessment, **range_result())) == [
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_CONCLUSIVE_METHOD")
    ]
    response = post_change(cw, assessment, result=AssessmentResult.INCONCLUSIVE, grounds=[], stop_reason="")
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.result == AssessmentResult.INCONCLUSIVE


def test_a_refused_medical_examination_is_refused_as_a_basis_and_a_conclusive_one_allowed(cw, w, assessment, now):
    method(w, assessment, outcome=MethodOutcome.INCONCLUSIVE, at=now - 9 * DAY)
    method(w, assessment, MethodKind.HAND_WRIST_XRAY, MethodOutcome.REFUSED, at=now - 8 * DAY)
    assert message("PRESUMED_MINOR.MEDICAL_REFUSAL") in errors(
        post_change(cw, assessment, **range_result(grounds=("medical_findings",)))
    )
    method(w, assessment, MethodKind.DENTAL_XRAY, MethodOutcome.CONCLUSIVE, at=now - 7 * DAY)
    assert post_change(cw, assessment, **range_result(grounds=("medical_findings",))).status_code == 302


def test_a_stop_through_the_admin_leaves_a_child(cw, assessment):
    assert post_change(cw, assessment, stop_reason="He withdrew consent.").status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.STOPPED


# --- Approval -------------------------------------------------------------------------------------------
@pytest.fixture
def concluded(w, assessment, now):
    return conclude(w, assessment, youngest=19, oldest=21, at=now - 5 * DAY)


def approval(info="Told how to appeal in Darija.", approve_it="on"):
    return {"appeal_information": info, "approve": approve_it, "stop_reason": ""}


def test_approval_waits_for_the_guardians_opinion(client, w, concluded, now):
    client.force_login(w.supervisor)
    assert errors(post_change(client, concluded, **approval())) == [
        message("GUARDIAN_OPINION_REQUIRED", action="approving the age-assessment conclusion")
    ]
    guardian_opinion(w, concluded, at=now - 4 * DAY)
    assert post_change(client, concluded, **approval()).status_code == 302
    concluded.refresh_from_db()
    assert concluded.status == AssessmentStatus.APPROVED
    assert Alert.objects.filter(kind=AlertKind.AGE_APPEAL_PERIOD, user=w.guardian).exists()


def test_the_decision_must_say_how_to_appeal(client, w, concluded, now):
    guardian_opinion(w, concluded, at=now - 4 * DAY)
    client.force_login(w.supervisor)
    assert errors(post_change(client, concluded, **approval(info=""))) == [
        message("AGE_ASSESSMENT_NOT_ALLOWED.NO_APPEAL_INFORMATION")
    ]
    assert post_change(client, concluded, **approval()).status_code == 302


def test_a_caseworker_cannot_approve(cw, w, concluded, now):
    guardian_opinion(w, concluded, at=now - 4 * DAY)
    assert errors(post_change(cw, concluded, **approval())) == [
        "Only a supervisor of the agency holding the case does this."
    ]


# --- Appeals --------------------------------------------------------------------------------------------
def test_the_guardian_lodges_an_appeal_and_its_decision_is_recorded(client, w, concluded, now):
    approved = approve(w, concluded, at=now - 3 * DAY)
    client.force_login(w.guardian)
    assert client.post(add_url(AgeAppeal), {"assessment": approved.pk, "grounds": "He is 16."}).status_code == 302
    appeal = AgeAppeal.objects.get(assessment=approved)
    assert appeal.lodged_by == w.guardian
    client.force_login(w.caseworker)
    assert post_change(client, appeal, outcome=AppealOutcome.UPHELD, decided_by="Family court").status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.UPHELD


# --- PRESUMED_MINOR: treating the person as an adult ----------------------------------------------------
def treatment(case, purpose="adult_services", urgent=""):
    data = {"case": case.pk, "purpose": purpose, "reason": "Moved to the adult reception centre."}
    return data | ({"urgent": urgent} if urgent else {})


def test_treating_a_presumed_minor_as_an_adult_is_refused_until_a_document_shows_adulthood(cw, w, now):
    assert errors(cw.post(add_url(AdultTreatment), treatment(w.case))) == [
        message("PRESUMED_MINOR", action="a referral to services for adults")
    ]
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="MA", birth_date=date(2000, 1, 1),
        at=now - DAY,
    )  # fmt: skip
    assert cw.post(add_url(AdultTreatment), treatment(w.case)).status_code == 302
    assert AdultTreatment.objects.get().ended_by_document == document


def test_a_passport_the_childs_own_claim_contradicts_is_named_as_disputed_until_the_child_accepts_it(cw, w, now):
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="MA", birth_date=date(2000, 1, 1),
        at=now - 2 * DAY,
    )  # fmt: skip
    assert cw.post(add_url(AgeClaim), {"case": w.case.pk, "birth_date": "2011-02-03"}).status_code == 302
    assert errors(cw.post(add_url(AdultTreatment), treatment(w.case))) == [
        message("PRESUMED_MINOR", action="a referral to services for adults"),
        message("PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM", document="Passport"),
    ]
    refused = post_change(cw, document, event="accept", reason="Says the passport is his after all.")
    assert errors(refused) == [
        message("PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR", fact="identity document disputed by the person")
    ]
    cw.force_login(w.supervisor)
    assert post_change(cw, document, event="accept", reason="Says the passport is his after all.").status_code == 302
    assert cw.post(add_url(AdultTreatment), treatment(w.case)).status_code == 302
    assert AdultTreatment.objects.get().ended_by_document == document


def test_an_external_decision_is_named_as_not_enough(cw, w, now):
    services.external_decision_record(
        actor=w.caseworker, case=w.case, authority="Border police", authority_country="PT",
        decided_on=date(2026, 1, 5), earliest_birth_date=date(2004, 1, 1), latest_birth_date=date(2005, 1, 1),
        at=now - DAY,
    )  # fmt: skip
    assert errors(cw.post(add_url(AdultTreatment), treatment(w.case))) == [
        message("PRESUMED_MINOR", action="a referral to services for adults"),
        message("PRESUMED_MINOR.EXTERNAL_DECISION", authority="Border police"),
    ]


def test_an_adult_conclusion_waits_for_its_appeal_period_then_counts(cw, w, now):
    running = open_assessment(w, at=now - 50 * DAY)
    conclude(w, running, youngest=19, oldest=21, at=now - 49 * DAY)
    approved = approve(w, running, at=now - 10 * DAY)
    until = timezone.localdate(approved.appeal_period_ends_at).isoformat()
    assert errors(cw.post(add_url(AdultTreatment), treatment(w.case))) == [
        message("PRESUMED_MINOR", action="a referral to services for adults"),
        message("PRESUMED_MINOR.APPEAL_PERIOD_RUNNING", until=until),
    ]


def test_an_adult_conclusion_past_its_appeal_period_allows_it(cw, w, now):
    passed = open_assessment(w, at=now - 50 * DAY)
    conclude(w, passed, youngest=19, oldest=21, at=now - 49 * DAY)
    approved = approve(w, passed, at=now - 45 * DAY)
    assert cw.post(add_url(AdultTreatment), treatment(w.case)).status_code == 302
    assert AdultTreatment.objects.get().ended_by_assessment == approved


def test_a_pending_appeal_is_named_and_an_upheld_one_allows_it(cw, w, now):
    assessment = open_assessment(w, at=now - 50 * DAY)
    conclude(w, assessment, youngest=19, oldest=21, at=now - 49 * DAY)
    approved = approve(w, assessment, at=now - 45 * DAY)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=approved, grounds="He is 16.", at=now - 40 * DAY)
    assert errors(cw.post(add_url(AdultTreatment), treatment(w.case))) == [
        message("PRESUMED_MINOR", action="a referral to services for adults"),
        message("PRESUMED_MINOR.APPEAL_PENDING"),
    ]
    services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=AppealOutcome.UPHELD,
                               decided_by="Family court", at=now - DAY)  # fmt: skip
    assert cw.post(add_url(AdultTreatment), treatment(w.case)).status_code == 302


def test_an_urgent_placement_among_adults_is_never_refused(cw, w):
    response = cw.post(add_url(AdultTreatment), treatment(w.case, purpose="adult_accommodation", urgent="on"))
    assert response.status_code == 302
    assert AdultTreatment.objects.get().urgent
    assert Alert.objects.filter(kind=AlertKind.URGENT_ACTION_REVIEW, case=w.case).exists()


def test_every_page_opens_for_a_caseworker(cw, w, concluded, now):
    approved = approve(w, concluded, at=now - 3 * DAY)
    appeal = services.age_appeal_lodge(actor=w.guardian, assessment=approved, grounds="He is 16.", at=now - 2 * DAY)
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="MA", birth_date=date(2000, 1, 1),
        at=now - DAY, disputed=True, dispute_reason="Not his.",
    )  # fmt: skip
    for obj in (approved, approved.methods.first(), appeal, document):
        assert cw.get(change_url(obj)).status_code == 200
    for model in ("identitydocument", "ageclaim", "externalagedecision", "ageassessment", "assessmentmethod",
                  "ageappeal", "adulttreatment"):  # fmt: skip
        assert cw.get(reverse(f"admin:age_{model}_changelist")).status_code == 200
        assert cw.get(reverse(f"admin:age_{model}_add")).status_code == 200
    page = cw.get(change_url(approved)).content.decode()
    assert "(the latest counts)" in page
    assert "appeal pending" in page


def test_an_open_and_a_concluded_assessment_offer_their_next_step(cw, w, assessment, now):
    page = cw.get(change_url(assessment)).content.decode()
    assert 'name="youngest_age"' in page
    assert 'name="appeal_information"' not in page
    conclude(w, assessment, youngest=16, oldest=17, at=now - 5 * DAY)
    page = cw.get(change_url(assessment)).content.decode()
    assert 'name="appeal_information"' in page
    assert 'name="youngest_age"' not in page
    assert "(the latest counts)" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done.captured_queries)


def test_the_lists_cost_the_same_queries_for_one_record_or_many(cw, w, now):
    def one_more():
        services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 1, 1), at=now)
        assessment = open_assessment(w, at=now - 10 * DAY)
        services.assessment_stop(actor=w.caseworker, assessment=assessment, reason="Consent withdrawn.", at=now)

    urls = [reverse(f"admin:age_{name}_changelist") for name in ("ageassessment", "ageclaim")]
    one_more()
    [_queries(cw, url) for url in urls]  # the first request fills the caches
    once = [_queries(cw, url) for url in urls]
    for _ in range(5):
        one_more()
    assert [_queries(cw, url) for url in urls] == once
