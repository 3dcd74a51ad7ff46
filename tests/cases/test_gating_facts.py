"""Facts that gate a rule change only with a reason; lifting a protection is a supervisor's;
decisions keep the facts they relied on (issue 10, 2a). Through the services, the database
and the admin."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from apps.audit.models import Channel, RecordAccess
from apps.bestinterests import services as bid_services
from apps.bestinterests.models import DeterminationKind, SolutionKind
from apps.cases.models import Child, FactsReliance, GatingFact, GatingFactChange
from apps.cases.rules import PROTECTIVE_FLAGS, change_lifts_protection, fact_rule
from apps.cases.services import (
    child_facts_update,
    child_identity,
    child_identity_update,
    facts_reliance_for,
    gating_fact_change_record,
)
from apps.core.rules import RuleViolation
from tests.bestinterests.factories import World, tracing_not_done, views_heard, world
from tests.cases.factories import read_identity, register, supervisor_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = timedelta(days=1)
CHILD_FLAGS = ("unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest")


def _codes(refused):
    return refused.value.codes


def _child(case):
    return Child.objects.get(pk=case.child_id)


def _registered(**facts):
    case = register(child_facts={"nationalities": ["MA"], **facts}).case
    return case, case.registered_by, supervisor_in(case.owning_agency)


# --- Which way lifts a protection ---------------------------------------------------------
@pytest.mark.parametrize("fact", sorted(PROTECTIVE_FLAGS))
def test_unticking_a_protective_flag_lifts_and_ticking_it_does_not(fact):
    assert change_lifts_protection(fact, True, False)
    assert not change_lifts_protection(fact, False, True)


def test_an_earlier_birth_date_lifts_a_later_one_does_not():
    assert change_lifts_protection("birth_date", date(2011, 5, 4), date(2006, 5, 4))
    assert not change_lifts_protection("birth_date", date(2006, 5, 4), date(2011, 5, 4))


def test_a_first_birth_date_where_none_was_known_lifts_and_forgetting_it_does_not():
    assert change_lifts_protection("birth_date", None, date(2011, 5, 4))
    assert not change_lifts_protection("birth_date", date(2011, 5, 4), None)


@pytest.mark.parametrize("before", ["claimed", "estimated", "unknown"])
def test_a_basis_becoming_documented_lifts_and_leaving_documented_does_not(before):
    assert change_lifts_protection("birth_date_basis", before, "documented")
    assert not change_lifts_protection("birth_date_basis", "documented", before)


def test_a_basis_moving_between_claimed_estimated_and_unknown_lifts_nothing():
    for before in ("claimed", "estimated", "unknown"):
        for after in ("claimed", "estimated", "unknown"):
            assert not change_lifts_protection("birth_date_basis", before, after)


def test_a_protection_claim_refused_or_withdrawn_lifts_and_a_new_or_granted_one_does_not():
    assert change_lifts_protection("protection_claim", "pending", "refused")
    assert change_lifts_protection("protection_claim", "refugee_status_granted", "ceased_or_revoked")
    assert not change_lifts_protection("protection_claim", None, "pending")
    assert not change_lifts_protection("protection_claim", "pending", "refugee_status_granted")
    assert not change_lifts_protection("protection_claim", "refused", "appeal_pending")


BIRTH_DATES = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 12, 31)))
CLAIM_STATUSES = st.sampled_from([None, "pending", "appeal_pending", "refugee_status_granted",
                                  "subsidiary_protection_granted", "refused", "withdrawn", "ceased_or_revoked"])  # fmt: skip
VALUES = {
    **{fact: st.booleans() for fact in PROTECTIVE_FLAGS},
    GatingFact.BIRTH_DATE: BIRTH_DATES,
    GatingFact.BIRTH_DATE_BASIS: st.sampled_from(Child.BirthDateBasis.values),
    GatingFact.PROTECTION_CLAIM: CLAIM_STATUSES,
}


@given(data=st.data(), fact=st.sampled_from(sorted(VALUES)))
def test_a_change_and_its_reverse_never_both_lift_and_no_change_lifts_nothing(data, fact):
    before, after = data.draw(VALUES[fact]), data.draw(VALUES[fact])
    assert not change_lifts_protection(fact, before, before)
    assert not (change_lifts_protection(fact, before, after) and change_lifts_protection(fact, after, before))


@given(before=BIRTH_DATES, after=BIRTH_DATES)
def test_a_birth_date_change_lifts_exactly_when_it_makes_the_person_older(before, after):
    older = after is not None and (before is None or after < before)
    assert change_lifts_protection("birth_date", before, after) == older


def test_every_gating_fact_names_the_rule_it_gates():
    assert {fact_rule(f) for f in GatingFact.values} == {
        "GUARDIAN_REQUIRED", "PRESUMED_MINOR", "RETURN_BLOCKED_PROTECTION_CLAIM",
    }  # fmt: skip


# --- The child's flags through the service ------------------------------------------------
@pytest.mark.parametrize("flag", CHILD_FLAGS)
def test_unticking_a_guardian_flag_without_reason_by_a_caseworker_is_refused_with_both_codes(flag):
    case, caseworker, _supervisor = _registered(**{flag: True})
    with pytest.raises(RuleViolation) as refused:
        child_facts_update(actor=caseworker, case=case, facts={flag: False})
    assert _codes(refused) == [
        "GUARDIAN_REQUIRED.FACT_CHANGE_NO_REASON", "GUARDIAN_REQUIRED.FACT_CHANGE_NEEDS_SUPERVISOR",
    ]  # fmt: skip
    assert getattr(_child(case), flag) is True
    assert not GatingFactChange.objects.exists()


@pytest.mark.parametrize("flag", CHILD_FLAGS)
def test_a_caseworker_cannot_untick_a_guardian_flag_even_with_a_reason(flag):
    case, caseworker, _supervisor = _registered(**{flag: True})
    with pytest.raises(RuleViolation) as refused:
        child_facts_update(actor=caseworker, case=case, facts={flag: False}, reason="He says his uncle is here.")
    assert _codes(refused) == ["GUARDIAN_REQUIRED.FACT_CHANGE_NEEDS_SUPERVISOR"]
    assert getattr(_child(case), flag) is True


@pytest.mark.parametrize("flag", CHILD_FLAGS)
def test_a_supervisor_unticks_a_guardian_flag_with_a_reason_and_the_history_names_them(flag):
    case, _caseworker, supervisor = _registered(**{flag: True})
    child_facts_update(actor=supervisor, case=case, facts={flag: False}, reason="Uncle verified as the carer.")
    assert getattr(_child(case), flag) is False
    change = GatingFactChange.objects.get()
    assert (change.fact, change.before, change.after) == (flag, True, False)
    assert (change.rule, change.lifts_protection) == ("GUARDIAN_REQUIRED", True)
    assert (change.actor, change.approved_by) == (supervisor, supervisor)
    assert stored(change, "reason") == "Uncle verified as the carer."


@pytest.mark.parametrize("flag", CHILD_FLAGS)
def test_ticking_a_guardian_flag_needs_a_reason_but_no_supervisor(flag):
    case, caseworker, _supervisor = _registered(**{flag: False})
    with pytest.raises(RuleViolation) as refused:
        child_facts_update(actor=caseworker, case=case, facts={flag: True}, reason="  ")
    assert _codes(refused) == ["GUARDIAN_REQUIRED.FACT_CHANGE_NO_REASON"]
    child_facts_update(actor=caseworker, case=case, facts={flag: True}, reason="Parents not found.")
    change = GatingFactChange.objects.get()
    assert (change.before, change.after, change.lifts_protection, change.approved_by) == (False, True, False, None)


def test_facts_that_gate_nothing_change_without_a_reason_and_leave_no_gating_history():
    case, caseworker, _supervisor = _registered(unaccompanied=True)
    child_facts_update(actor=caseworker, case=case, facts={"languages": ["Tamazight"], "unaccompanied": True})
    assert _child(case).languages == ["Tamazight"]
    assert not GatingFactChange.objects.exists()


def test_every_refusal_of_one_save_is_listed_at_once():
    case, caseworker, _supervisor = _registered(unaccompanied=True, birth_date_basis="claimed")
    with pytest.raises(RuleViolation) as refused:
        child_facts_update(
            actor=caseworker, case=case, facts={"unaccompanied": False, "birth_date_basis": "documented"}
        )
    assert _codes(refused) == [
        "GUARDIAN_REQUIRED.FACT_CHANGE_NO_REASON", "GUARDIAN_REQUIRED.FACT_CHANGE_NEEDS_SUPERVISOR",
        "PRESUMED_MINOR.FACT_CHANGE_NO_REASON", "PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR",
    ]  # fmt: skip


# --- Birth date and its basis -------------------------------------------------------------
def test_a_basis_becoming_documented_is_a_supervisors_and_leaving_it_a_caseworkers_with_a_reason():
    case, caseworker, supervisor = _registered(birth_date_basis="claimed")
    with pytest.raises(RuleViolation) as refused:
        child_facts_update(actor=caseworker, case=case, facts={"birth_date_basis": "documented"}, reason="Passport.")
    assert _codes(refused) == ["PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR"]
    child_facts_update(actor=supervisor, case=case, facts={"birth_date_basis": "documented"}, reason="Passport.")
    child_facts_update(actor=caseworker, case=case, facts={"birth_date_basis": "claimed"}, reason="Passport false.")
    lifts = list(GatingFactChange.objects.values_list("after", "lifts_protection"))
    assert lifts == [("documented", True), ("claimed", False)]


def _identity_with(case, birth):
    from dataclasses import replace

    return replace(read_identity(_child(case)), birth_date=birth)


def test_an_earlier_birth_date_needs_a_supervisor_and_is_kept_sealed():
    case, caseworker, supervisor = _registered()
    older = _identity_with(case, date(2005, 5, 4))
    with pytest.raises(RuleViolation) as refused:
        child_identity_update(actor=caseworker, case=case, identity=older, reason="Another paper says so.")
    assert _codes(refused) == ["PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR"]
    assert read_identity(_child(case)).birth_date == date(2011, 5, 4)
    child_identity_update(actor=supervisor, case=case, identity=older, reason="Birth certificate verified.")
    change = GatingFactChange.objects.get()
    assert (change.fact, change.lifts_protection, change.approved_by) == ("birth_date", True, supervisor)
    assert (change.before, change.after) == (None, None)  # never in plain text
    assert None not in {change.before_sealed, change.after_sealed}
    assert b"2005" not in bytes(change.after_sealed)


def test_a_later_birth_date_needs_a_reason_only():
    case, caseworker, _supervisor = _registered()
    younger = _identity_with(case, date(2013, 1, 1))
    with pytest.raises(RuleViolation) as refused:
        child_identity_update(actor=caseworker, case=case, identity=younger)
    assert _codes(refused) == ["PRESUMED_MINOR.FACT_CHANGE_NO_REASON"]
    child_identity_update(actor=caseworker, case=case, identity=younger, reason="She corrected her claim.")
    assert GatingFactChange.objects.get().lifts_protection is False


def test_changing_names_only_keeps_the_birth_date_and_needs_no_reason():
    from dataclasses import replace

    case, caseworker, _supervisor = _registered()
    renamed = replace(read_identity(_child(case)), given_names="Aisha")
    child_identity_update(actor=caseworker, case=case, identity=renamed)
    assert read_identity(_child(case)).birth_date == date(2011, 5, 4)
    assert not GatingFactChange.objects.exists()


# --- Facts held by other apps: the public function ----------------------------------------
def test_the_public_check_refuses_lifting_a_protection_claim_for_a_caseworker_and_records_a_supervisors():
    case, caseworker, supervisor = _registered()
    kwargs = {"case": case, "fact": "protection_claim", "before": "pending", "after": "withdrawn",
              "subject": "protection claim 1"}  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        gating_fact_change_record(actor=caseworker, reason="", **kwargs)
    assert _codes(refused) == [
        "RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NO_REASON",
        "RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NEEDS_SUPERVISOR",
    ]
    change = gating_fact_change_record(actor=supervisor, reason="The child withdrew it with counsel.", **kwargs)
    assert change is not None
    assert (change.subject, change.lifts_protection, change.approved_by) == ("protection claim 1", True, supervisor)


def test_the_public_check_lets_a_caseworker_flag_an_identity_document_with_a_reason():
    case, caseworker, _supervisor = _registered()
    with pytest.raises(RuleViolation) as refused:
        gating_fact_change_record(actor=caseworker, case=case, fact="identity_document_flag", before=True,
                                  after=False, reason="Looks fine.")  # fmt: skip
    assert _codes(refused) == ["PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR"]
    change = gating_fact_change_record(actor=caseworker, case=case, fact="identity_document_flag", before=False,
                                       after=True, reason="Photo replaced.")  # fmt: skip
    assert change is not None
    assert change.lifts_protection is False


# --- The walk-around of issue 10: untick, decide a BID without a guardian, tick again ------
def _bid_draft_without_guardian(w: World):
    bid = bid_services.determination_start(actor=w.caseworker, case=w.case, kind=DeterminationKind.AUTHORITY,
                                           at=NOW - 5 * DAY)  # fmt: skip
    bid_services.option_weigh(actor=w.caseworker, determination=bid, solution=SolutionKind.LOCAL_INTEGRATION,
                              reasons_for="Fictional reasons for.", reasons_against="Fictional reasons against.")  # fmt: skip
    bid_services.determination_update(
        actor=w.caseworker, determination=bid, recommendation=SolutionKind.LOCAL_INTEGRATION,
        reasons="The court's fictional reasons.", authority_name="Family Court of Alvora",
        authority_reference="FC-9/2026", authority_decided_on=(NOW - 3 * DAY).date(),
        no_risk_assessment_reason="The child stays in the country.",
    )  # fmt: skip
    views_heard(w, subject=str(bid.pk))
    tracing_not_done(w)
    return bid


def test_a_caseworker_cannot_untick_unaccompanied_to_decide_a_bid_without_a_guardian():
    w = world(guardian=False)  # unaccompanied, no guardian
    bid = _bid_draft_without_guardian(w)
    with pytest.raises(RuleViolation) as refused:
        child_facts_update(actor=w.caseworker, case=w.case, facts={"unaccompanied": False}, reason="To decide.")
    assert _codes(refused) == ["GUARDIAN_REQUIRED.FACT_CHANGE_NEEDS_SUPERVISOR"]
    with pytest.raises(RuleViolation) as refused:
        bid_services.determination_decide(actor=w.caseworker, determination=bid, at=NOW - DAY)
    assert "GUARDIAN_REQUIRED" in _codes(refused)
    assert not FactsReliance.objects.exists()


def test_when_a_supervisor_unticks_decides_and_reticks_the_history_and_the_bids_reliance_show_it():
    w = world(guardian=False)
    bid = _bid_draft_without_guardian(w)
    child_facts_update(actor=w.supervisor, case=w.case, facts={"unaccompanied": False},
                       reason="Father found and verified.", at=NOW - 2 * DAY)  # fmt: skip
    decided = bid_services.determination_decide(actor=w.caseworker, determination=bid, at=NOW - DAY)
    child_facts_update(actor=w.caseworker, case=w.case, facts={"unaccompanied": True},
                       reason="The man was not his father.", at=NOW)  # fmt: skip

    lifted, restored = GatingFactChange.objects.filter(child_id=w.case.child_id).order_by("pk")
    assert (lifted.after, lifted.lifts_protection, lifted.approved_by) == (False, True, w.supervisor)
    assert (restored.after, restored.lifts_protection, restored.actor) == (True, False, w.caseworker)
    reliance = facts_reliance_for(decided)
    assert reliance is not None
    assert reliance.facts["unaccompanied"] is False
    assert reliance.last_change == lifted
    assert (reliance.decision_app, reliance.decision_model) == ("bestinterests", "bestinterestsdetermination")


def test_a_decision_keeps_the_first_reliance_recorded_for_it():
    w = world(guardian=False)
    bid = _bid_draft_without_guardian(w)
    child_facts_update(actor=w.supervisor, case=w.case, facts={"unaccompanied": False}, reason="Father verified.")
    decided = bid_services.determination_decide(actor=w.caseworker, determination=bid, at=NOW - DAY)
    child_facts_update(actor=w.caseworker, case=w.case, facts={"unaccompanied": True}, reason="Not his father.")
    from apps.cases.services import facts_reliance_record

    again = facts_reliance_record(actor=w.caseworker, case=w.case, decision=decided)
    assert again.facts["unaccompanied"] is False
    assert FactsReliance.objects.count() == 1


# --- The database holds it, whatever writes -----------------------------------------------
def _commit_checks():
    """Run the checks deferred to commit now (the test's transaction is never committed)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _written_and_checked(*statements):
    """Run raw statements as the application role, then the commit checks; undone if refused."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


UNTICK = "UPDATE cases_child SET unaccompanied = false WHERE id = %s"


def test_raw_sql_unticking_unaccompanied_without_a_history_row_is_refused_at_commit():
    case, _caseworker, _supervisor = _registered(unaccompanied=True)
    with pytest.raises(IntegrityError, match="without a recorded reason"):
        _written_and_checked((UNTICK, [case.child_id]))
    assert _child(case).unaccompanied is True


def test_raw_sql_unticking_with_a_history_row_that_says_otherwise_is_refused():
    case, caseworker, _supervisor = _registered(unaccompanied=True)
    says_ticked = (
        "INSERT INTO cases_gatingfactchange (child_id, case_id, fact, subject, before, after, rule, "
        "lifts_protection, reason, actor_id, at) VALUES (%s, %s, 'unaccompanied', '', 'false', 'true', "
        "'GUARDIAN_REQUIRED', false, 'typo', %s, now())"
    )
    with pytest.raises(IntegrityError, match="without a recorded reason"):
        _written_and_checked((UNTICK, [case.child_id]), (says_ticked, [case.child_id, case.pk, caseworker.pk]))


def test_raw_sql_a_lifting_history_row_without_an_approver_is_refused():
    case, caseworker, _supervisor = _registered(unaccompanied=True)
    unapproved = (
        "INSERT INTO cases_gatingfactchange (child_id, case_id, fact, subject, before, after, rule, "
        "lifts_protection, reason, actor_id, at) VALUES (%s, %s, 'unaccompanied', '', 'true', 'false', "
        "'GUARDIAN_REQUIRED', %s, 'no approver', %s, now())"
    )
    for lifts, constraint in ((False, "cases_gatingfact_untick_lifts"), (True, "cases_gatingfact_lift_approved")):
        with pytest.raises(IntegrityError, match=constraint):
            _written_and_checked((unapproved, [case.child_id, case.pk, lifts, caseworker.pk]))


def test_raw_sql_with_a_proper_history_row_in_the_same_transaction_passes():
    case, _caseworker, supervisor = _registered(unaccompanied=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_child SET unaccompanied = false WHERE id = %s", [case.child_id])
        cursor.execute(
            "INSERT INTO cases_gatingfactchange (child_id, case_id, fact, subject, before, after, rule, "
            "lifts_protection, approved_by_id, reason, actor_id, at) VALUES (%s, %s, 'unaccompanied', '', 'true', "
            "'false', 'GUARDIAN_REQUIRED', true, %s, 'verified', %s, now())",
            [case.child_id, case.pk, supervisor.pk, supervisor.pk],
        )
        _commit_checks()
    assert _child(case).unaccompanied is False


def test_the_service_path_passes_the_commit_checks():
    case, _caseworker, supervisor = _registered(unaccompanied=True, birth_date_basis="claimed")
    child_facts_update(actor=supervisor, case=case, facts={"unaccompanied": False, "birth_date_basis": "documented"},
                       reason="Verified with the embassy.")  # fmt: skip
    child_identity_update(actor=supervisor, case=case, identity=_identity_with(case, date(2009, 1, 1)),
                          reason="Passport.")  # fmt: skip
    _commit_checks()


def test_the_gating_history_and_the_reliances_are_append_only():
    case, _caseworker, supervisor = _registered(unaccompanied=True)
    child_facts_update(actor=supervisor, case=case, facts={"unaccompanied": False}, reason="Verified.")
    for sql in ("UPDATE cases_gatingfactchange SET reason = NULL", "DELETE FROM cases_gatingfactchange"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert stored(GatingFactChange.objects.get(), "reason") == "Verified."


# --- Through the admin --------------------------------------------------------------------
def _admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def _post_untick(client, case, reason=""):
    from tests.cases.test_admin import _details

    data = _details(case)
    data.pop("unaccompanied", None)
    data["gating_fact_reason"] = reason
    return client.post(reverse("admin:cases_case_change", args=[case.pk]), data)


def test_the_admin_refuses_a_caseworker_unticking_unaccompanied_with_the_codes_as_form_errors(client):
    case, caseworker, _supervisor = _registered(unaccompanied=True)
    response = _post_untick(_admin_client(client, caseworker), case, reason="")
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Record why unaccompanied changes" in errors
    assert "only a supervisor may" in errors
    assert _child(case).unaccompanied is True


def test_the_admin_lets_a_supervisor_untick_with_a_reason_and_shows_the_history(client):
    case, _caseworker, supervisor = _registered(unaccompanied=True)
    admin_client = _admin_client(client, supervisor)
    response = _post_untick(admin_client, case, reason="Aunt verified as the carer.")
    assert response.status_code == 302
    assert _child(case).unaccompanied is False
    page = admin_client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "Aunt verified as the carer." in page
    assert "yes → no" in page


def test_the_admin_case_page_shows_what_a_decision_relied_on(client):
    w = world(guardian=False)
    bid = _bid_draft_without_guardian(w)
    child_facts_update(actor=w.supervisor, case=w.case, facts={"unaccompanied": False}, reason="Father verified.")
    bid_services.determination_decide(actor=w.caseworker, determination=bid, at=NOW - DAY)
    page = _admin_client(client, w.supervisor).get(reverse("admin:cases_case_change", args=[w.case.pk]))
    content = page.content.decode()
    assert "facts the decisions relied on" in content.lower()
    assert "unaccompanied: no" in content


# --- Reading a child's identity is a logged read (6e) -------------------------------------
def test_reading_identity_for_a_person_writes_exactly_one_read_log_row_with_actor_and_channel():
    case, caseworker, _supervisor = _registered()
    before = RecordAccess.objects.count()
    identity = child_identity(_child(case), actor=caseworker, channel=Channel.API, case=case)
    assert identity.given_names == "Aïcha"
    assert RecordAccess.objects.count() == before + 1
    row = RecordAccess.objects.order_by("-pk").first()
    assert (row.actor, row.case, row.channel, row.action, row.allowed) == (caseworker, case, "api", "identity", True)


def test_opening_the_case_page_in_the_admin_logs_one_read(client):
    case, caseworker, _supervisor = _registered()
    before = RecordAccess.objects.count()
    assert _admin_client(client, caseworker).get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    rows = RecordAccess.objects.order_by("pk")[before:]
    assert [(r.actor, r.case, r.channel, r.action) for r in rows] == [(caseworker, case, "admin", "view")]
