"""Notes by access level, the care plan and its review alert, conferences and the timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.casework.models import CaseNote, GoalArea, GoalStatus, NoteAccess, Responsible
from apps.casework.selectors import case_timeline, note_get, note_list
from apps.casework.services import (
    DecisionInput,
    Who,
    care_plan_action_add,
    care_plan_action_done,
    care_plan_goal_set,
    care_plan_goal_status_set,
    care_plan_review_record,
    care_plan_review_schedule,
    care_plan_reviews_alert,
    conference_record,
    conference_request,
    note_write,
)
from apps.casework.timeline import TimelineEntry, timeline_source, timeline_sources
from tests.accounts.factories import UserFactory
from tests.casework.factories import caseworker_elsewhere, colleague_in_team, note, team_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return team_world()


# --- Notes ---------------------------------------------------------------------------------------
def test_a_note_is_sealed_and_read_by_everyone_who_sees_the_case(people):
    case, caseworker, supervisor, guardian = people
    written = note(caseworker, case)
    assert b"football" not in bytes(CaseNote.objects.get().body)
    for reader in (caseworker, supervisor, guardian):
        assert list(note_list(actor=reader)) == [written]
    assert not note_list(actor=caseworker_elsewhere(case)).exists()


def test_a_team_note_is_invisible_outside_the_team_and_the_supervisors(people):
    case, caseworker, supervisor, guardian = people
    team_note = note(caseworker, case, NoteAccess.TEAM)

    assert note_list(actor=colleague_in_team(case)).get() == team_note
    assert note_list(actor=supervisor).get() == team_note
    assert not note_list(actor=guardian).exists()
    with pytest.raises(Http404):
        note_get(actor=guardian, note_id=team_note.pk)
    assert not [e for e in case_timeline(actor=guardian, case=case) if e.kind == "note"]


def test_a_supervisors_note_is_invisible_to_caseworkers_and_guardians(people):
    case, caseworker, supervisor, guardian = people
    secret = note(supervisor, case, NoteAccess.SUPERVISORS, body="Staff concern about a visitor.")

    for outsider in (caseworker, colleague_in_team(case), guardian):
        assert not note_list(actor=outsider).exists()
        assert note_list(actor=outsider).count() == 0
        assert all("visitor" not in e.detail for e in case_timeline(actor=outsider, case=case))
    [entry] = [e for e in case_timeline(actor=supervisor, case=case) if e.kind == "note"]
    assert (entry.detail, entry.restricted) == ("Staff concern about a visitor.", str(NoteAccess.SUPERVISORS.label))
    assert note_get(actor=supervisor, note_id=secret.pk) == secret


def test_a_note_must_be_declared_not_an_investigative_account(people):
    case, caseworker, *_ = people
    with pytest.raises(ValidationError) as refused:
        note_write(actor=caseworker, case=case, access=NoteAccess.ORDINARY, body="x", not_investigative=False)
    assert "police" in str(refused.value.message_dict["not_investigative"])
    assert not CaseNote.objects.exists()


def test_a_caseworker_cannot_write_a_note_they_could_not_read(people):
    case, caseworker, *_ = people
    with pytest.raises(ValidationError):
        note(caseworker, case, NoteAccess.SUPERVISORS)


def test_a_guardian_does_not_write_notes(people):
    case, _cw, _sup, guardian = people
    with pytest.raises(PermissionDenied):
        note(guardian, case)


def test_notes_are_never_changed_and_a_correction_supersedes(people):
    case, caseworker, *_ = people
    first = note(caseworker, case, body="Attends school on Mondays.")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseNote.objects.filter(pk=first.pk).update(access=NoteAccess.TEAM)

    correction = note(caseworker, case, body="Attends school on Tuesdays.", supersedes=first)

    assert correction.supersedes == first
    titles = [e.title for e in case_timeline(actor=caseworker, case=case) if e.kind == "note"]
    assert titles == ["Note (corrected later)", f"Note correcting note {first.pk}"]
    with pytest.raises(ValidationError):
        note(caseworker, case, body="Again.", supersedes=first)


def test_a_correction_never_opens_a_note_up(people):
    case, _cw, supervisor, _g = people
    restricted = note(supervisor, case, NoteAccess.TEAM)
    with pytest.raises(ValidationError):
        note(supervisor, case, NoteAccess.ORDINARY, supersedes=restricted)


# --- The care plan -------------------------------------------------------------------------------
def test_goals_and_actions_of_the_care_plan(people):
    case, caseworker, _sup, guardian = people
    goal = care_plan_goal_set(actor=caseworker, case=case, area=GoalArea.EDUCATION, text="Back to school by March.")
    action = care_plan_action_add(actor=caseworker, case=case, goal=goal, text="Enrol at the local school.",
                                  who=Who(Responsible.GUARDIAN), due_on=date(2027, 2, 1))  # fmt: skip
    care_plan_action_done(actor=caseworker, action=action)
    care_plan_goal_status_set(actor=caseworker, goal=goal, status=GoalStatus.ACHIEVED)

    titles = [e.title for e in case_timeline(actor=guardian, case=case) if e.kind == "care_plan"]
    assert "Care plan goal set (Education and training)" in titles
    assert "Care plan goal now: Achieved" in titles
    assert "Care plan action done" in titles


def test_an_action_done_by_a_person_names_them(people):
    case, caseworker, *_ = people
    with pytest.raises(ValidationError):
        care_plan_action_add(actor=caseworker, case=case, text="Call", who=Who(Responsible.PERSON),
                             due_on=date(2027, 1, 1))  # fmt: skip


def test_a_passed_review_date_alerts_the_caseworker_once(people):
    case, caseworker, *_ = people
    review = care_plan_review_schedule(actor=caseworker, case=case, due_on=date(2027, 3, 1))
    noon = datetime(2027, 3, 1, 12, tzinfo=UTC)

    assert care_plan_reviews_alert(at=noon) == 0
    assert care_plan_reviews_alert(at=noon + timedelta(days=1)) == 1
    assert care_plan_reviews_alert(at=noon + timedelta(days=2)) == 0
    [alert] = alert_list(actor=caseworker).filter(kind=AlertKind.CARE_PLAN_REVIEW_DUE)
    assert alert.case_id == case.pk

    care_plan_review_record(actor=caseworker, review=review, outcome="Goals still right.")
    assert Alert.objects.get(pk=alert.pk).done_at is not None


def test_a_review_held_in_time_raises_nothing(people):
    case, caseworker, *_ = people
    review = care_plan_review_schedule(actor=caseworker, case=case, due_on=date(2027, 3, 1))
    care_plan_review_record(actor=caseworker, review=review, outcome="Fine.")
    assert care_plan_reviews_alert(at=datetime(2027, 4, 1, tzinfo=UTC)) == 0


# --- Conferences ---------------------------------------------------------------------------------
def test_the_guardian_asks_for_a_conference_and_the_supervisors_are_alerted(people):
    case, caseworker, supervisor, guardian = people
    request = conference_request(actor=guardian, case=case, reason="The placement is not working.")
    [alert] = alert_list(actor=supervisor).filter(kind=AlertKind.CASE_CONFERENCE_REQUESTED)

    conference = conference_record(
        actor=caseworker, case=case, held_at=timezone.now(), participants=[caseworker, guardian],
        outside_participants=[("Dr Rita Gomes", "Alvora Hospital")], request=request,
        decisions=[DecisionInput("Look for a foster family.", Who(Responsible.PERSON, person=caseworker),
                                 date(2027, 1, 15))],
    )  # fmt: skip

    assert conference.request == request
    assert Alert.objects.get(pk=alert.pk).done_at is not None
    [entry] = [e for e in case_timeline(actor=guardian, case=case) if e.title == "Case conference held"]
    assert "Dr Rita Gomes (Alvora Hospital)" in entry.detail
    assert "Look for a foster family." in entry.detail


def test_only_the_guardian_asks_for_a_conference(people):
    case, caseworker, *_ = people
    with pytest.raises(PermissionDenied):
        conference_request(actor=caseworker, case=case, reason="x")
    with pytest.raises(Http404):
        conference_request(actor=UserFactory(), case=case, reason="x")


# --- The timeline --------------------------------------------------------------------------------
def test_the_timeline_of_a_case_the_actor_cannot_see_is_a_404(people):
    case, *_ = people
    with pytest.raises(Http404):
        case_timeline(actor=caseworker_elsewhere(case), case=case)


def test_other_apps_add_their_own_events(people):
    case, caseworker, *_ = people

    def visits(context):
        return [TimelineEntry(at=timezone.now() + timedelta(days=1), kind="visit", title="Guardian visit")]

    timeline_source(visits)
    try:
        assert case_timeline(actor=caseworker, case=case)[-1].title == "Guardian visit"
    finally:
        from apps.casework import timeline

        timeline._SOURCES.remove(visits)
    assert visits not in timeline_sources()


def test_the_timeline_starts_with_the_registration(people):
    case, caseworker, *_ = people
    assert case_timeline(actor=caseworker, case=case)[0].title == "Registered"
