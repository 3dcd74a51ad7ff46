"""Complaints in the admin: guardians lodge them, a named person never sees them, the child is answered."""

from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.alerts.models import Alert
from apps.cases.models import Case, CaseState
from apps.complaints.models import AnswerChannel, Complaint, ComplaintStatus, LodgedBy
from apps.complaints.services import complaint_answer
from tests.accounts.factories import UserFactory
from tests.complaints.factories import lodge, world
from tests.complaints.test_services import in_aftercare
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaint_changelist")
ADD = reverse("admin:complaints_complaint_add")
CODE = "CLOSURE_CRITERIA_UNMET.COMPLAINT_UNANSWERED"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def people():
    people = world()
    make_staff(*people[1:])
    return people


def test_a_superuser_without_a_role_cannot_open_complaints(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(CHANGELIST).status_code == 403


def test_a_guardian_lodges_a_complaint_for_their_ward(client, people):
    case, caseworker, supervisor, guardian = people
    client.force_login(guardian)

    response = client.post(ADD, {"case": case.pk, "lodged_by": LodgedBy.GUARDIAN, "about": "staff",
                                 "named_people": [caseworker.pk], "complaint_text": "Nobody listens to him."})  # fmt: skip

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.recorded_by, complaint.reviewer) == (guardian, supervisor)
    assert list(complaint.named.values_list("person", flat=True)) == [caseworker.pk]


def test_the_named_caseworker_sees_it_nowhere_in_the_admin(client, people):
    case, caseworker, _supervisor, guardian = people
    complaint = lodge(guardian, case, named=[caseworker])
    client.force_login(caseworker)

    assert list(client.get(CHANGELIST).context["cl"].queryset) == []
    assert client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).status_code == 404
    alerts = client.get(reverse("admin:alerts_alert_changelist"))
    assert not [a for a in alerts.context["cl"].queryset if a.kind.startswith("COMPLAINT")]
    timeline = client.get(reverse("admin:casework_case_timeline", args=[case.pk]))
    assert timeline.status_code == 200
    assert "Complaint lodged" not in unescape(timeline.content.decode())


def test_the_supervisor_reads_it_and_records_the_answer(client, people):
    case, caseworker, supervisor, guardian = people
    complaint = lodge(guardian, case, named=[caseworker])
    client.force_login(supervisor)

    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert "He shouts at me" in unescape(page.content.decode())
    response = client.post(CHANGELIST, {"action": "record_answer", "_selected_action": [complaint.pk],
                                        "confirm": "yes", "answer": "We changed his caseworker.",
                                        "channel": AnswerChannel.IN_PERSON})  # fmt: skip

    assert response.status_code == 302
    assert Complaint.objects.get().status == ComplaintStatus.ANSWERED
    assert not Alert.objects.filter(kind="COMPLAINT", done_at__isnull=True).exists()


def test_the_guardian_cannot_answer_their_own_complaint_in_the_admin(client, people):
    case, _cw, _supervisor, guardian = people
    complaint = lodge(guardian, case)
    client.force_login(guardian)
    client.post(CHANGELIST, {"action": "record_answer", "_selected_action": [complaint.pk], "confirm": "yes",
                             "answer": "Fine.", "channel": AnswerChannel.IN_WRITING})  # fmt: skip
    assert Complaint.objects.get().status == ComplaintStatus.LODGED


def test_the_complaint_list_has_a_query_budget(client, people):
    case, caseworker, supervisor, guardian = people
    client.force_login(supervisor)
    lodge(guardian, case, named=[caseworker])
    client.get(CHANGELIST)  # the first request of a session warms caches
    with CaptureQueriesContext(connection) as one:
        client.get(CHANGELIST)
    for _ in range(5):
        lodge(guardian, case, named=[caseworker])
    with CaptureQueriesContext(connection) as six:
        response = client.get(CHANGELIST)

    assert response.context["cl"].result_count == 6
    assert len(six) == len(one) <= 40  # no query per row


def _close(client, case):
    case = Case.objects.get(pk=case.pk)
    return client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "transition_close", "_selected_action": [case.pk], f"version_{case.pk}": case.version,
         "confirm": "yes", "reason": "All done", "waiver_reason": "Follow-ups handed over."},
    )  # fmt: skip


def test_closing_with_an_unanswered_complaint_is_refused_in_the_admin(client, people):
    case, _cw, supervisor, guardian = people
    lodge(guardian, case)
    in_aftercare(case)
    client.force_login(supervisor)

    messages = _messages(_close(client, case))

    assert any(f"({CODE})" in m for m in messages)
    assert Case.objects.get(pk=case.pk).state == CaseState.AFTERCARE


def test_closing_once_the_child_is_answered_is_not_held_by_complaints_in_the_admin(client, people):
    case, _cw, supervisor, guardian = people
    complaint = lodge(guardian, case)
    complaint_answer(actor=supervisor, complaint=complaint, answer="Done.", channel=AnswerChannel.IN_PERSON)
    in_aftercare(case)
    client.force_login(supervisor)

    messages = _messages(_close(client, case))

    assert not any(CODE in m for m in messages)
    assert messages  # the move's outcome is reported either way
