"""Notes, the care plan, conferences and the timeline in the admin."""

from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.alerts.models import AlertKind
from apps.alerts.selectors import alert_list
from apps.casework.models import CarePlanReview, CaseNote, ConferenceRequest, NoteAccess
from apps.casework.services import care_plan_review_schedule
from tests.accounts.factories import UserFactory
from tests.casework.factories import caseworker_elsewhere, note, team_world
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

NOTES = reverse("admin:casework_casenote_changelist")
ADD_NOTE = reverse("admin:casework_casenote_add")


def _page(response):
    return unescape(response.content.decode())


def _timeline(case):
    return reverse("admin:casework_case_timeline", args=[case.pk])


@pytest.fixture
def people():
    people = team_world()
    make_staff(*people[1:])
    return people


def test_a_superuser_without_a_role_cannot_open_notes_or_a_timeline(client, people):
    case, *_ = people
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(NOTES).status_code == 403
    assert client.get(_timeline(case)).status_code == 404


def test_a_caseworker_adds_a_note_through_the_service(client, people):
    case, caseworker, *_ = people
    client.force_login(caseworker)
    response = client.post(ADD_NOTE, {"case": case.pk, "access": NoteAccess.TEAM, "body_text": "Needs glasses.",
                                      "not_investigative": "on"})  # fmt: skip
    assert response.status_code == 302
    assert (CaseNote.objects.get().written_by, CaseNote.objects.get().access) == (caseworker, NoteAccess.TEAM)


def test_a_note_without_the_declaration_is_refused_on_the_form(client, people):
    case, caseworker, *_ = people
    client.force_login(caseworker)
    response = client.post(ADD_NOTE, {"case": case.pk, "access": NoteAccess.ORDINARY, "body_text": "x"})
    assert response.status_code == 200
    assert "belongs with the police" in _page(response)
    assert not CaseNote.objects.exists()


def test_a_restricted_note_is_invisible_in_the_admin_outside_its_level(client, people):
    case, caseworker, supervisor, guardian = people
    secret = note(supervisor, case, NoteAccess.SUPERVISORS, body="Concern about a visitor.")
    team = note(caseworker, case, NoteAccess.TEAM, body="Team only.")
    client.force_login(caseworker)

    assert list(client.get(NOTES).context["cl"].queryset) == [team]
    assert client.get(reverse("admin:casework_casenote_change", args=[secret.pk])).status_code == 404
    assert "visitor" not in _page(client.get(_timeline(case)))

    client.force_login(guardian)
    timeline = _page(client.get(_timeline(case)))
    assert "visitor" not in timeline
    assert "Team only." not in timeline

    client.force_login(supervisor)
    timeline = _page(client.get(_timeline(case)))
    assert "Concern about a visitor." in timeline
    assert "Team only." in timeline


def test_the_case_page_links_to_its_timeline(client, people):
    case, caseworker, *_ = people
    client.force_login(caseworker)
    page = _page(client.get(reverse("admin:cases_case_change", args=[case.pk])))
    assert _timeline(case) in page


def test_the_timeline_of_a_case_one_cannot_see_is_a_404(client, people):
    case, *_ = people
    outsider = make_staff(caseworker_elsewhere(case))
    client.force_login(outsider)
    assert client.get(_timeline(case)).status_code == 404


def _fill(case, caseworker, supervisor, n):
    note(caseworker, case, body=f"Note {n}")
    note(supervisor, case, NoteAccess.SUPERVISORS, body=f"Restricted {n}")
    care_plan_review_schedule(actor=caseworker, case=case, due_on=date(2027, 1, n + 1))


def test_the_timeline_page_has_a_query_budget(client, people):
    case, caseworker, supervisor, _g = people
    client.force_login(supervisor)
    _fill(case, caseworker, supervisor, 0)
    client.get(_timeline(case))  # the first request of a session warms caches
    with CaptureQueriesContext(connection) as few:
        client.get(_timeline(case))
    for n in range(1, 8):
        _fill(case, caseworker, supervisor, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_timeline(case))

    assert "Restricted 7" in _page(response)
    assert len(many) == len(few) <= 40  # no query per entry


def test_the_note_list_has_a_query_budget(client, people):
    case, caseworker, supervisor, _g = people
    client.force_login(supervisor)
    _fill(case, caseworker, supervisor, 0)
    client.get(NOTES)  # the first request of a session warms caches
    with CaptureQueriesContext(connection) as few:
        client.get(NOTES)
    for n in range(1, 6):
        _fill(case, caseworker, supervisor, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(NOTES)

    assert response.context["cl"].result_count == 12
    assert len(many) == len(few) <= 40


def test_the_guardian_asks_for_a_conference_in_the_admin(client, people):
    case, _cw, supervisor, guardian = people
    client.force_login(guardian)
    response = client.post(reverse("admin:casework_conferencerequest_add"),
                           {"case": case.pk, "reason_text": "He wants to talk about school."})  # fmt: skip
    assert response.status_code == 302
    assert ConferenceRequest.objects.get().requested_by == guardian
    assert alert_list(actor=supervisor).filter(kind=AlertKind.CASE_CONFERENCE_REQUESTED).count() == 1


def test_a_caseworker_cannot_ask_for_a_conference_in_the_admin(client, people):
    _case, caseworker, *_ = people
    client.force_login(caseworker)
    assert client.get(reverse("admin:casework_conferencerequest_add")).status_code == 403


def test_the_care_plan_review_is_recorded_through_an_action(client, people):
    case, caseworker, *_ = people
    review = care_plan_review_schedule(actor=caseworker, case=case, due_on=date(2027, 1, 1))
    client.force_login(caseworker)
    response = client.post(reverse("admin:casework_careplanreview_changelist"),
                           {"action": "record_review", "_selected_action": [review.pk], "confirm": "yes",
                            "outcome": "Goals still right."})  # fmt: skip
    assert response.status_code == 302
    assert CarePlanReview.objects.get().held_by == caseworker
