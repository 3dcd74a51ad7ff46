"""The workflow holds in Python and in the database, whoever writes."""

import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.http import Http404

from apps.cases.guards import _GUARDS, transition_guard
from apps.cases.models import Case, CaseTransition
from apps.cases.services import case_details_update, case_transition
from apps.cases.workflow import allowed_moves, transition_guard_sql, transitions
from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.rules import RuleViolation
from apps.voice.models import ViewsDecision
from tests.accounts.factories import UserFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.cases.sealed import stored
from tests.solutions.factories import prepare_for
from tests.voice.factories import heard

pytestmark = pytest.mark.django_db


def _move(case, name, reason="because", actor=None, **extra):
    return case_transition(
        actor=actor or case.registered_by, case=case, transition=name, expected_version=case.version, reason=reason,
        **extra,
    )  # fmt: skip


def _to(case, state_after):
    """Walk a new case along the main path until the named transition has been made."""
    for name in PATH:
        prepare_for(case, name)
        case = _move(case, name, actor=supervisor_in(case.owning_agency) if name == "close" else None)
        if name == "move_to_aftercare":
            heard(case, ViewsDecision.CLOSURE)  # the child's views on closing (R6), before any close
        if name == state_after:
            return case
    raise AssertionError(state_after)


PATH = ["start_protection", "start_assessment", "start_support", "seek_durable_solution", "implement_solution",
        "start_follow_up", "move_to_aftercare", "close", "reopen"]  # fmt: skip


def test_every_transition_is_recorded_with_actor_time_and_reason():
    case = register().case
    moved = _move(case, "start_protection", reason="emergency placement tonight")
    record = CaseTransition.objects.filter(case=case, name="start_protection").get()
    assert (record.from_state, record.to_state) == ("registered", "protection")
    assert record.actor == case.registered_by
    assert stored(record, "reason") == "emergency placement tonight"
    assert moved.state == "protection"


def test_a_move_the_workflow_lacks_is_refused_and_nothing_changes():
    case = register().case
    with pytest.raises(TransitionNotAllowed):
        _move(case, "close")
    case.refresh_from_db()
    assert case.state == "registered"
    assert not CaseTransition.objects.filter(case=case, name="close").exists()


def test_an_unknown_transition_name_is_refused():
    case = register().case
    with pytest.raises(TransitionNotAllowed):
        _move(case, "delete_everything")


def test_the_state_cannot_be_assigned_directly():
    case = register().case
    with pytest.raises(AttributeError):
        case.state = "closed"


def test_a_whole_path_through_the_workflow():
    case = _to(register().case, "reopen")
    assert case.state == "assessment"
    assert case.transitions.count() == 10  # registration + nine moves


def test_a_caseworker_cannot_close_a_case_and_nothing_changes():
    case = _to(register().case, "move_to_aftercare")
    with pytest.raises(RuleViolation) as refusal:
        _move(case, "close")
    assert refusal.value.codes == ["CLOSURE_CRITERIA_UNMET.NOT_A_SUPERVISOR"]
    case.refresh_from_db()
    assert case.state == "aftercare"
    assert not CaseTransition.objects.filter(case=case, name="close").exists()


def test_a_supervisor_closes_and_a_waiver_reason_is_kept_only_from_a_supervisor():
    case = _to(register().case, "move_to_aftercare")
    supervisor = supervisor_in(case.owning_agency)
    closed = _move(case, "close", actor=supervisor, reason="plan completed", waiver_reason="moved abroad, agreed")
    record = CaseTransition.objects.get(case=case, name="close")
    assert (closed.state, record.actor, stored(record, "waiver_reason")) == (
        "closed",
        supervisor,
        "moved abroad, agreed",
    )
    reopened = _move(closed, "reopen", waiver_reason="a caseworker cannot waive anything")
    assert reopened.state == "assessment"
    assert CaseTransition.objects.get(case=case, name="reopen").waiver_reason is None


def test_every_guard_of_a_move_is_asked_and_all_refusals_come_together():
    case = _to(register().case, "start_protection")

    @transition_guard("start_assessment")
    def needs_a_and_b(found, move):
        found.add("CHILD_VIEWS_REQUIRED", decision="test")
        found.add("GUARDIAN_REQUIRED", action="test")

    try:
        with pytest.raises(RuleViolation) as refusal:
            _move(case, "start_assessment")
    finally:
        _GUARDS["start_assessment"].remove(needs_a_and_b)
    assert refusal.value.codes == ["CHILD_VIEWS_REQUIRED", "GUARDIAN_REQUIRED"]
    assert _move(case, "start_assessment").state == "assessment"


def test_a_raw_update_that_skips_a_state_is_refused_by_the_database():
    case = register().case
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = 'closed' WHERE id = %s", [case.pk])


@pytest.mark.parametrize(
    "setting",
    [
        "SET pgtrigger.ignore = '{cases.Case:cases_case_guard_state}'",
        "SET LOCAL haven.bypass = 'on'",
        "SET LOCAL application_name = 'maintenance'",
    ],
)
def test_no_session_setting_switches_the_guard_off(setting):
    case = register().case
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(setting)
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("UPDATE cases_case SET state = 'closed' WHERE id = %s", [case.pk])


def test_a_case_cannot_be_inserted_in_a_later_state():
    case = register().case
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_case (reference, child_id, owning_agency_id, identified_at, identification_method,"
            " identification_status, risk_level, exploitation_forms, control_methods, recruitment_methods,"
            " relationship_to_trafficker, technology_uses, scope, police_evidence_reference, state, version,"
            " registered_by_id, created_at) SELECT 'X-1', child_id, owning_agency_id, identified_at,"
            " identification_method, identification_status, risk_level, exploitation_forms, control_methods,"
            " recruitment_methods, relationship_to_trafficker, technology_uses, scope, '', 'closed', 1,"
            " registered_by_id, created_at FROM cases_case WHERE id = %s",
            [case.pk],
        )


def _commit_checks():
    """Run now the checks deferred to commit (a test's transaction is never committed)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _written_and_checked(*statements):
    """Run raw statements as the application role, then the commit checks; undone if refused."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


MOVE = "UPDATE cases_case SET state = %s WHERE id = %s"
TRANSITION_ROW = (
    "INSERT INTO cases_casetransition (case_id, name, from_state, to_state, actor_id, at, reason, waiver_reason) "
    "VALUES (%s, %s, %s, %s, %s, now(), NULL, NULL)"
)


def test_a_raw_update_along_the_workflow_with_its_transition_row_is_allowed_and_bumps_the_version():
    case = register().case
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = 'protection', version = 1 WHERE id = %s", [case.pk])
        cursor.execute(TRANSITION_ROW, [case.pk, "start_protection", "registered", "protection", case.registered_by_id])
    _commit_checks()
    case.refresh_from_db()
    assert case.state == "protection"
    assert case.version == 2, "the trigger, not the writer, sets the version"


def test_raw_sql_walking_a_case_to_closed_without_transition_rows_is_refused_at_commit():
    case = register().case
    path = ["protection", "assessment", "support", "aftercare", "closed"]
    with pytest.raises(IntegrityError, match="without its transition row"):
        _written_and_checked(*((MOVE, [state, case.pk]) for state in path))  # each step one the workflow declares
    case.refresh_from_db()
    assert case.state == "registered"


def test_a_transition_row_for_another_move_does_not_cover_a_state_change():
    case = register().case
    other_move = [case.pk, "start_assessment", "protection", "assessment", case.registered_by_id]
    with pytest.raises(IntegrityError, match="without its transition row"):
        _written_and_checked((MOVE, ["protection", case.pk]), (TRANSITION_ROW, other_move))


def test_a_writer_cannot_forge_the_transaction_stamp_of_a_transition_row():
    case = register().case
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casetransition (case_id, name, from_state, to_state, actor_id, at, reason, "
            "waiver_reason, xact) VALUES (%s, 'note', 'registered', 'registered', %s, now(), NULL, NULL, 42) "
            "RETURNING xact, pg_current_xact_id()::text::bigint",
            [case.pk, case.registered_by_id],
        )
        stamped, current = cursor.fetchone()
    assert stamped == current != 42


def test_reassigning_or_editing_a_case_needs_no_transition_row():
    case = register().case
    other = caseworker_in(case.owning_agency)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET assigned_caseworker_id = %s, risk_level = 'low' WHERE id = %s",
                       [other.pk, case.pk])  # fmt: skip
    _commit_checks()
    case.refresh_from_db()
    assert (case.assigned_caseworker_id, case.state) == (other.pk, "registered")


def test_moves_through_the_service_pass_the_commit_check():
    case = _to(register().case, "close")
    _commit_checks()
    assert case.state == "closed"


@pytest.mark.django_db(transaction=True)
def test_a_committed_raw_state_change_without_its_row_is_rolled_back_and_one_with_it_stands():
    case = register().case
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = 'protection' WHERE id = %s", [case.pk])
    case.refresh_from_db()
    assert case.state == "registered"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = 'protection' WHERE id = %s", [case.pk])
        cursor.execute(TRANSITION_ROW, [case.pk, "start_protection", "registered", "protection", case.registered_by_id])
    case.refresh_from_db()
    assert case.state == "protection"


def test_the_database_trigger_matches_the_declared_workflow():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('cases_case_guard_state'::regproc)")
        (installed,) = cursor.fetchone()
    expected_body = transition_guard_sql().split("AS $$", 1)[1].rsplit("$$", 1)[0]
    assert expected_body.strip() in installed, "the workflow changed: add a migration with transition_guard_sql()"


def test_the_declared_moves_are_the_ones_the_domain_names():
    moves = allowed_moves()
    assert ("registered", "protection") in moves
    assert ("follow_up", "aftercare") in moves
    assert ("closed", "assessment") in moves, "a case is reopened with a reason"
    assert not any(target == "registered" for _, target in moves)
    assert set(transitions()) >= {"close", "reopen"}


def test_transition_history_is_append_only():
    case = register().case
    record = case.transitions.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_casetransition SET reason = NULL WHERE id = %s", [record.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_casetransition WHERE id = %s", [record.pk])


def test_a_stale_version_is_refused_and_nothing_is_written():
    case = register().case
    _move(case, "start_protection")
    with pytest.raises(StaleRecord):
        case_details_update(
            actor=case.registered_by, case=case, expected_version=case.version, facts={"risk_level": "low"}
        )
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_details_change_with_the_current_version():
    case = register().case
    updated = case_details_update(
        actor=case.registered_by,
        case=case,
        expected_version=case.version,
        facts={"risk_level": "critical"},
        sealed={"protection_needs": "A safe place away from the city"},
    )
    assert updated.risk_level == "critical"
    assert updated.version == case.version + 1


def test_someone_who_cannot_see_the_case_cannot_move_it():
    case = register().case
    with pytest.raises(Http404):
        case_transition(
            actor=UserFactory(), case=case, transition="start_protection", expected_version=case.version, reason="x"
        )


@pytest.mark.django_db(transaction=True)
def test_two_connections_at_a_barrier_move_one_case_once():
    case = register().case
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            with transaction.atomic():
                fresh = Case.objects.get(pk=case.pk)
                barrier.wait()  # both have read version 1 before either writes
                case_transition(
                    actor=case.registered_by,
                    case=fresh,
                    transition="start_protection",
                    expected_version=fresh.version,
                    reason="race",
                )
            outcomes.append("moved")
        except StaleRecord:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "moved"]
    case.refresh_from_db()
    assert case.state == "protection"
    assert case.version == 2
    assert case.transitions.filter(name="start_protection").count() == 1, "nothing half-written"


def test_an_update_with_nothing_to_change_is_no_conflict():
    case = register().case
    assert case_details_update(actor=case.registered_by, case=case, expected_version=case.version).pk == case.pk
