"""R7 through the services: BIA, deciding and approving a BID, telling the child, reviews."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.alerts.models import Alert, AlertKind
from apps.bestinterests import services
from apps.bestinterests.models import BIA_SECTIONS, DeterminationKind, Discipline, SolutionKind
from apps.bestinterests.rules import determination_in_place, lighter_path_applies
from apps.bestinterests.selectors import (
    current_determination,
    determination_list,
    latest_decided_determination,
)
from apps.cases.models import Case
from apps.core.rules import RuleViolation, Violations
from apps.family.models import FamilyConclusion, Relationship
from apps.family.services import family_assessment_complete, relative_record, security_assessment_complete
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.bestinterests.factories import (
    DAY,
    NOW,
    approved_panel,
    completed_bia,
    decided_panel,
    guardian_opinion,
    panel_people,
    ready_authority_draft,
    ready_panel_draft,
    tracing_not_done,
    views_heard,
    world,
)
from tests.cases.factories import supervisor_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db


def _codes(refusal: pytest.ExceptionInfo[RuleViolation]) -> set[str]:
    return set(refusal.value.codes)


# --- BIA ---------------------------------------------------------------------------------------
def test_a_bia_without_guardian_opinion_or_content_is_refused_with_everything_missing():
    w = world(guardian=False)
    bia = services.bia_start(actor=w.caseworker, case=w.case, at=NOW)
    services.bia_update(actor=w.caseworker, assessment=bia, sections={"needs": "Fictional needs."})
    with pytest.raises(RuleViolation) as refused:
        services.bia_complete(actor=w.caseworker, assessment=bia, at=NOW)
    assert _codes(refused) == {"GUARDIAN_REQUIRED", "GUARDIAN_OPINION_REQUIRED", "BID_REQUIRED.BIA_INCOMPLETE"}
    incomplete = next(v for v in refused.value.violations if v.code == "BID_REQUIRED.BIA_INCOMPLETE")
    assert "needs" not in incomplete.message
    assert "child_views" in incomplete.message


def test_a_bia_with_its_content_and_the_guardians_opinion_completes_and_is_never_edited():
    w = world()
    bia = completed_bia(w, at=NOW)
    assert bia.completed_at == NOW
    assert stored(bia, "needs", case=w.case) == "Fictional needs notes."
    with pytest.raises(ValidationError):
        services.bia_update(actor=w.caseworker, assessment=bia, sections={"needs": "Rewritten."})


def test_the_guardians_opinion_alone_is_missing_from_a_complete_bia():
    w = world()
    bia = services.bia_start(actor=w.caseworker, case=w.case, at=NOW)
    services.bia_update(actor=w.caseworker, assessment=bia, sections=dict.fromkeys(BIA_SECTIONS, "Fictional."))
    with pytest.raises(RuleViolation) as refused:
        services.bia_complete(actor=w.caseworker, assessment=bia, at=NOW)
    assert refused.value.codes == ["GUARDIAN_OPINION_REQUIRED"]


def test_a_bia_review_is_a_new_bia_that_reviews_the_last():
    w = world()
    first = completed_bia(w, at=NOW - 200 * DAY)
    review = services.bia_start(actor=w.caseworker, case=w.case, at=NOW)
    assert review.reviews == first
    with pytest.raises(ValidationError):
        services.bia_start(actor=w.caseworker, case=w.case, at=NOW)


def test_the_guardian_cannot_write_a_bia_and_another_agency_cannot_see_it():
    w = world()
    with pytest.raises(PermissionDenied):
        services.bia_start(actor=w.guardian, case=w.case, at=NOW)
    with pytest.raises(Http404):
        services.bia_start(actor=supervisor_in(AgencyFactory()), case=w.case, at=NOW)


# --- Deciding a BID ---------------------------------------------------------------------------------
def test_deciding_an_empty_panel_draft_lists_everything_missing_at_once():
    w = world(guardian=False)
    bid = services.determination_start(actor=w.caseworker, case=w.case, at=NOW)
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert _codes(refused) == {
        "GUARDIAN_REQUIRED", "GUARDIAN_OPINION_REQUIRED", "CHILD_VIEWS_REQUIRED", "BID_REQUIRED.PANEL_TOO_SMALL",
        "BID_REQUIRED.NO_RECOMMENDATION", "BID_REQUIRED.NO_OPTIONS_WEIGHED", "BID_REQUIRED.NO_TRACING_OUTCOME",
        "BID_REQUIRED.NO_RISK_ASSESSMENT", "BID_REQUIRED.NO_REASONS",
    }  # fmt: skip
    bid.refresh_from_db()
    assert bid.decided_at is None


def test_a_complete_panel_draft_is_decided_and_sent_to_the_supervisors_for_approval():
    w = world()
    bid = decided_panel(w)
    assert bid.decided_at == NOW - 2 * DAY
    assert bid.approved_at is None
    assert "Tracing not done" in (stored(bid, "tracing_summary", case=w.case) or "")
    alert = Alert.objects.get(kind=AlertKind.BID_APPROVAL, case=w.case)
    assert alert.role == "supervisor"
    assert w.case.reference in alert.detail
    # Decided but not approved: not yet in force.
    assert current_determination(case=w.case, at=NOW) is None
    assert latest_decided_determination(case=w.case, at=NOW) == bid


def test_a_panel_of_two_or_of_one_discipline_is_too_small():
    w = world()
    bid = ready_panel_draft(w)
    seats = list(bid.panel.all())
    for seat in seats:
        services.panel_member_remove(actor=w.caseworker, seat=seat)
    for member in w.panel:
        services.panel_member_add(actor=w.caseworker, determination=bid, member=member, discipline=Discipline.LAW)
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.PANEL_TOO_SMALL"]
    services.panel_member_remove(actor=w.caseworker, seat=bid.panel.last())
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.PANEL_TOO_SMALL"]


def test_a_member_without_a_confidentiality_undertaking_stops_the_decision_until_signed():
    w = world()
    bid = ready_panel_draft(w)
    newcomer = MembershipFactory(role="partner_staff").user
    services.panel_member_add(actor=w.caseworker, determination=bid, member=newcomer, discipline=Discipline.HEALTH)
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.NO_CONFIDENTIALITY_UNDERTAKING"]
    services.undertaking_sign(actor=w.caseworker, determination=bid, member=newcomer, at=NOW)
    assert services.determination_decide(actor=w.caseworker, determination=bid, at=NOW).decided_at == NOW


def test_a_panel_member_from_outside_sees_the_determination_only_after_signing():
    w = world()
    bid = services.determination_start(actor=w.caseworker, case=w.case, at=NOW)
    outsider = MembershipFactory(role="partner_staff").user
    services.panel_member_add(actor=w.caseworker, determination=bid, member=outsider, discipline=Discipline.HEALTH)
    assert not determination_list(actor=outsider).filter(pk=bid.pk).exists()
    services.undertaking_sign(actor=outsider, determination=bid, at=NOW)
    assert determination_list(actor=outsider).filter(pk=bid.pk).exists()
    # Sitting on the panel gives no write on the case.
    with pytest.raises(Http404):
        services.option_weigh(actor=outsider, determination=bid, solution=SolutionKind.RETURN, reasons_for="x",
                              reasons_against="y")  # fmt: skip


def test_someone_not_on_the_panel_cannot_sign_its_undertaking():
    w = world()
    bid = services.determination_start(actor=w.caseworker, case=w.case, at=NOW)
    stranger = MembershipFactory(role="partner_staff").user
    with pytest.raises(Http404):
        services.undertaking_sign(actor=stranger, determination=bid, at=NOW)
    with pytest.raises(ValidationError):
        services.undertaking_sign(actor=w.caseworker, determination=bid, member=stranger, at=NOW)


def test_the_recommendation_must_be_weighed_with_reasons_both_ways():
    w = world()
    bid = ready_panel_draft(w)
    services.determination_update(actor=w.caseworker, determination=bid, recommendation=SolutionKind.RESETTLEMENT)
    services.option_weigh(actor=w.caseworker, determination=bid, solution=SolutionKind.RETURN, reasons_for="For.",
                          reasons_against="")  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert _codes(refused) == {"BID_REQUIRED.RECOMMENDATION_NOT_WEIGHED", "BID_REQUIRED.OPTION_WITHOUT_REASONS"}


def test_a_child_who_objects_needs_the_reasons_it_is_still_in_their_best_interests():
    w = world()
    bid = ready_panel_draft(w)
    views_heard(w, subject=str(bid.pk), objects=True, at=NOW - DAY / 2)
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.OBJECTION_NOT_ADDRESSED"]
    services.determination_update(actor=w.caseworker, determination=bid,
                                  objection_reasons="Fictional: the aunt's home is safe and the child's school is there.")  # fmt: skip
    decided = services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert decided.child_objects is True
    assert "aunt" in (stored(decided, "objection_reasons", case=w.case) or "")


def test_a_linked_risk_assessment_of_the_case_is_a_risk_basis():
    w = world()
    bid = ready_panel_draft(w)
    services.determination_update(actor=w.caseworker, determination=bid, no_risk_assessment_reason="")
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.NO_RISK_ASSESSMENT"]
    findings = dict.fromkeys(("family_situation", "reprisal_risk", "retrafficking_risk", "access_to_protection", "health_care", "education"), "Fictional finding.")  # fmt: skip
    assessment = security_assessment_complete(actor=w.caseworker, case=w.case, country="MA", findings=findings,
                                              safe=True, serious_harm_found=False, at=NOW - DAY)  # fmt: skip
    services.determination_update(actor=w.caseworker, determination=bid, risk_assessment=assessment)
    assert services.determination_decide(actor=w.caseworker, determination=bid, at=NOW).risk_assessment == assessment


def test_a_risk_assessment_of_another_case_cannot_be_linked():
    w, other = world(), world()
    findings = dict.fromkeys(("family_situation", "reprisal_risk", "retrafficking_risk", "access_to_protection", "health_care", "education"), "Fictional.")  # fmt: skip
    foreign = security_assessment_complete(actor=other.caseworker, case=other.case, country="MA", findings=findings,
                                           safe=True, serious_harm_found=False, at=NOW - DAY)  # fmt: skip
    bid = services.determination_start(actor=w.caseworker, case=w.case, at=NOW)
    with pytest.raises(ValidationError):
        services.determination_update(actor=w.caseworker, determination=bid, risk_assessment=foreign)


def test_a_courts_decision_needs_the_authority_and_its_date_and_is_in_force_at_once():
    w = world()
    bid = ready_authority_draft(w)
    services.determination_update(actor=w.caseworker, determination=bid, authority_name="", authority_decided_on=None)
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.NO_AUTHORITY_DECISION"]
    services.determination_update(actor=w.caseworker, determination=bid, authority_name="Family Court of Alvora",
                                  authority_decided_on=(NOW - 3 * DAY).date())  # fmt: skip
    decided = services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert decided.kind == DeterminationKind.AUTHORITY
    assert current_determination(case=w.case, at=NOW) == decided
    assert not Alert.objects.filter(kind=AlertKind.BID_APPROVAL, case=w.case).exists()
    with pytest.raises(ValidationError):
        services.determination_approve(actor=w.supervisor, determination=decided, at=NOW)


# --- Approval ------------------------------------------------------------------------------------
def test_a_supervisor_who_sat_on_the_panel_may_not_approve_it_another_may():
    w = world()
    bid = ready_panel_draft(w)
    services.panel_member_add(actor=w.caseworker, determination=bid, member=w.supervisor, discipline=Discipline.OTHER)
    services.undertaking_sign(actor=w.supervisor, determination=bid, at=NOW - DAY)
    services.determination_decide(actor=w.caseworker, determination=bid, at=NOW - DAY)
    with pytest.raises(RuleViolation) as refused:
        services.determination_approve(actor=w.supervisor, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.APPROVER_ON_PANEL"]
    other = supervisor_in(w.case.owning_agency)
    approved = services.determination_approve(actor=other, determination=bid, at=NOW)
    assert approved.approved_by == other
    assert current_determination(case=w.case, at=NOW) == approved
    assert Alert.objects.get(kind=AlertKind.BID_APPROVAL, case=w.case).done_at == NOW


def test_a_caseworker_cannot_approve_and_an_approval_is_given_once():
    w = world()
    bid = decided_panel(w)
    with pytest.raises(PermissionDenied):
        services.determination_approve(actor=w.caseworker, determination=bid, at=NOW)
    services.determination_approve(actor=w.supervisor, determination=bid, at=NOW)
    with pytest.raises(RuleViolation) as refused:
        services.determination_approve(actor=supervisor_in(w.case.owning_agency), determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.ALREADY_DECIDED"]


# --- Never edited ---------------------------------------------------------------------------------
def test_a_decided_determination_is_never_edited_through_the_services():
    w = world()
    bid = decided_panel(w)
    before = (bid.recommendation, bytes(bid.reasons), bid.panel.count(), bid.options.count())
    attempts = [
        lambda: services.determination_update(actor=w.caseworker, determination=bid,
                                              recommendation=SolutionKind.LOCAL_INTEGRATION),
        lambda: services.panel_member_add(actor=w.caseworker, determination=bid, member=w.supervisor,
                                          discipline=Discipline.LAW),
        lambda: services.panel_member_remove(actor=w.caseworker, seat=bid.panel.first()),
        lambda: services.option_weigh(actor=w.caseworker, determination=bid, solution=SolutionKind.RESETTLEMENT,
                                      reasons_for="x", reasons_against="y"),
        lambda: services.option_remove(actor=w.caseworker, option=bid.options.first()),
        lambda: services.determination_decide(actor=w.caseworker, determination=bid, at=NOW),
        lambda: services.determination_start(actor=w.caseworker, case=w.case, at=NOW),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.codes == ["BID_REQUIRED.ALREADY_DECIDED"]
    bid.refresh_from_db()
    assert (bid.recommendation, bytes(bid.reasons), bid.panel.count(), bid.options.count()) == before


# --- Telling the child ---------------------------------------------------------------------------
def test_the_child_is_told_the_outcome_and_how_to_seek_a_review():
    w = world()
    bid = decided_panel(w)
    with pytest.raises(ValidationError):  # not approved yet
        services.determination_child_told(actor=w.caseworker, determination=bid, how="In person.",
                                          review_explained=True, at=NOW)  # fmt: skip
    services.determination_approve(actor=w.supervisor, determination=bid, at=NOW - DAY)
    with pytest.raises(RuleViolation) as refused:
        services.determination_child_told(actor=w.guardian, determination=bid, how="In person.",
                                          review_explained=False, at=NOW)  # fmt: skip
    assert refused.value.codes == ["BID_REQUIRED.REVIEW_NOT_EXPLAINED"]
    told = services.determination_child_told(
        actor=w.guardian, determination=bid, how="In person, in Arabic, with the review form explained.",
        review_explained=True, at=NOW,
    )  # fmt: skip
    assert told.child_told_at == NOW
    assert told.child_told_by == w.guardian


# --- Reviews ---------------------------------------------------------------------------------------
def test_the_guardian_asks_for_a_review_and_its_determination_supersedes_the_old_once_in_force():
    w = world()
    old = approved_panel(w)
    review = services.determination_review_request(actor=w.guardian, determination=old,
                                                   reason="Fictional: the aunt moved away.", at=NOW)  # fmt: skip
    alert = Alert.objects.get(kind=AlertKind.BID_REVIEW_REQUESTED, case=w.case)
    assert alert.role == "supervisor"
    assert alert.done_at is None
    with pytest.raises(ValidationError):
        services.determination_review_request(actor=w.caseworker, determination=old, reason="Again.", at=NOW)
    new = services.determination_start(actor=w.caseworker, case=w.case, review=review, at=NOW)
    assert new.supersedes == old
    for member, discipline in zip(panel_people(w), [Discipline.SOCIAL_WORK, Discipline.PSYCHOLOGY, Discipline.LAW],
                                  strict=True):  # fmt: skip
        services.panel_member_add(actor=w.caseworker, determination=new, member=member, discipline=discipline)
        services.undertaking_sign(actor=member, determination=new, at=NOW)
    services.option_weigh(actor=w.caseworker, determination=new, solution=SolutionKind.LOCAL_INTEGRATION,
                          reasons_for="For.", reasons_against="Against.")  # fmt: skip
    services.determination_update(actor=w.caseworker, determination=new, recommendation=SolutionKind.LOCAL_INTEGRATION,
                                  reasons="Fictional.", no_risk_assessment_reason="Stays in the country.")  # fmt: skip
    guardian_opinion(w, decision="bid", subject=str(new.pk))
    views_heard(w, subject=str(new.pk), at=NOW)
    services.determination_decide(actor=w.caseworker, determination=new, at=NOW + DAY)
    # Decided, awaiting approval: the old one no longer stands, the new one not yet.
    assert current_determination(case=w.case, at=NOW + DAY) is None
    services.determination_approve(actor=w.supervisor, determination=new, at=NOW + 2 * DAY)
    assert current_determination(case=w.case, at=NOW + 2 * DAY) == new
    assert current_determination(case=w.case, at=NOW) == old
    alert.refresh_from_db()
    assert alert.done_at == NOW + 2 * DAY


def test_a_guardian_of_another_child_cannot_ask_for_a_review():
    w, other = world(), world()
    bid = approved_panel(w)
    with pytest.raises(Http404):
        services.determination_review_request(actor=other.guardian, determination=bid, reason="x", at=NOW)


def test_a_draft_is_not_reviewed():
    w = world()
    draft = services.determination_start(actor=w.caseworker, case=w.case, at=NOW)
    with pytest.raises(ValidationError):
        services.determination_review_request(actor=w.caseworker, determination=draft, reason="x", at=NOW)


def test_a_review_of_another_case_does_not_open_a_determination_here():
    w, other = world(), world()
    foreign = services.determination_review_request(actor=other.caseworker, determination=approved_panel(other),
                                                    reason="Fictional change.", at=NOW)  # fmt: skip
    with pytest.raises(ValidationError):
        services.determination_start(actor=w.caseworker, case=w.case, review=foreign, at=NOW)
    assert services.determination_start(actor=other.caseworker, case=other.case, review=foreign, at=NOW).supersedes


# --- What other apps ask ----------------------------------------------------------------------------
def test_determination_in_place_requires_an_approved_determination_recommending_the_solution():
    w = world()
    found = Violations()
    determination_in_place(found, case=w.case, solution=SolutionKind.RETURN, at=NOW, action="a return")
    assert [v.code for v in found._found] == ["BID_REQUIRED"]
    approved_panel(w, recommendation=SolutionKind.RETURN)
    allowed = Violations()
    determination_in_place(allowed, case=w.case, solution=SolutionKind.RETURN, at=NOW, action="a return")
    assert not allowed
    other = Violations()
    determination_in_place(other, case=w.case, solution=SolutionKind.RESETTLEMENT, at=NOW, action="a resettlement")
    assert bool(other)


def _parent_with_assessment(w, *, conclusion=FamilyConclusion.SUITABLE, country=""):
    parent = relative_record(actor=w.caseworker, case=w.case, relationship=Relationship.MOTHER,
                             names="Fictional Mother", country=country, at=NOW - 10 * DAY)  # fmt: skip
    family_assessment_complete(
        actor=w.caseworker, relative=parent, situation="Fictional.", income_and_housing="Fictional.",
        school_and_health_access="Fictional.", covers_exploitation_links=True,
        exploitation_links_findings="No link found.", conclusion=conclusion,
        support_needed="Fictional support." if conclusion == FamilyConclusion.SUITABLE_WITH_SUPPORT else "",
        at=NOW - 5 * DAY,
    )  # fmt: skip
    return parent


def test_the_lighter_path_applies_to_a_parent_in_the_country_where_nothing_indicates_risk():
    w = world(child_facts={"separated": True, "nationalities": ["PT"]})
    Case.objects.filter(pk=w.case.pk).update(risk_level=Case.RiskLevel.LOW)
    w.case.refresh_from_db()
    parent = _parent_with_assessment(w)
    assert not lighter_path_applies(case=w.case, relative=parent, at=NOW)  # no BIA yet
    completed_bia(w, at=NOW - 2 * DAY)
    assert lighter_path_applies(case=w.case, relative=parent, at=NOW)


@pytest.mark.parametrize(
    "change",
    ["parents_implicated", "high_risk", "unsuitable", "abroad"],
)
def test_the_lighter_path_does_not_apply_where_something_indicates_risk(change):
    w = world(
        child_facts={"separated": True, "nationalities": ["PT"], "parents_implicated": change == "parents_implicated"}
    )
    level = Case.RiskLevel.HIGH if change == "high_risk" else Case.RiskLevel.LOW
    Case.objects.filter(pk=w.case.pk).update(risk_level=level)
    w.case.refresh_from_db()
    conclusion = FamilyConclusion.NOT_SUITABLE if change == "unsuitable" else FamilyConclusion.SUITABLE
    country = (
        "ES" if change == "abroad" and w.case.owning_agency.country != "ES" else ("FR" if change == "abroad" else "")
    )
    parent = _parent_with_assessment(w, conclusion=conclusion, country=country)
    completed_bia(w, at=NOW - 2 * DAY)
    assert not lighter_path_applies(case=w.case, relative=parent, at=NOW)


def test_without_tracing_results_or_a_reason_the_decision_is_refused():
    w = world()
    bid = ready_panel_draft(w, tracing=False)
    with pytest.raises(RuleViolation) as refused:
        services.determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    assert refused.value.codes == ["BID_REQUIRED.NO_TRACING_OUTCOME"]
    tracing_not_done(w)
    assert services.determination_decide(actor=w.caseworker, determination=bid, at=NOW).decided_at == NOW
