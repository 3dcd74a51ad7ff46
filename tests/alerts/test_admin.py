"""Alerts in the admin: each user's own alerts, read-only, marked done through `alert_close`."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_close, alert_raise
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.cases.factories import register, supervisor_in
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:alerts_alert_changelist"


def _listed(client):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    return [alert.pk for alert in response.context["cl"].result_list]


def _mark_done(client, alerts, **data):
    return client.post(reverse(CHANGELIST), {"action": "mark_done", "_selected_action": [a.pk for a in alerts], **data})


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def boss(agency):
    return _staff(supervisor_in(agency))


@pytest.fixture
def boss_client(client, boss):
    client.force_login(boss)
    return client


def test_a_user_sees_the_alerts_to_their_role_and_to_them_by_name_done_ones_too(boss_client, boss, agency):
    case = register(agency=agency).case
    for_role = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR, case=case)
    for_them = alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=agency, user=boss)
    done = alert_raise(kind=AlertKind.CHILD_MISSING, agency=agency, role=Role.SUPERVISOR)
    alert_close(actor=boss, alert=done, outcome="Found at school")
    alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.CASEWORKER)
    alert_raise(kind=AlertKind.CHILD_HELD, agency=AgencyFactory(), role=Role.SUPERVISOR)
    alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, user=UserFactory())

    assert set(_listed(boss_client)) == {for_role.pk, for_them.pk, done.pk}


def test_overdue_guardians_come_first(boss_client, agency):
    later = timezone.now() + timedelta(days=5)
    held = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR, due_at=timezone.now())
    overdue = alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=agency, role=Role.SUPERVISOR, due_at=later)
    legal = alert_raise(kind=AlertKind.LEGAL_AID_NEEDED, agency=agency, role=Role.SUPERVISOR)

    assert _listed(boss_client) == [overdue.pk, held.pk, legal.pk]


def test_a_superuser_sees_no_one_elses_alerts(client, agency):
    alert = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert _listed(client) == []
    assert client.get(reverse("admin:alerts_alert_change", args=[alert.pk])).status_code == 404


def test_someone_elses_alert_is_a_404(boss_client):
    other = alert_raise(kind=AlertKind.CHILD_HELD, agency=AgencyFactory(), role=Role.SUPERVISOR)
    assert boss_client.get(reverse("admin:alerts_alert_change", args=[other.pk])).status_code == 404


def test_the_alert_page_is_read_only_and_shows_the_case_reference_only(boss_client, agency):
    case = register(agency=agency).case
    alert = alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=agency, role=Role.SUPERVISOR, case=case,
                        detail=f"{case.reference}: provisional representative")  # fmt: skip

    page = boss_client.get(reverse("admin:alerts_alert_change", args=[alert.pk]))

    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    assert case.reference in page.content.decode()
    assert reverse("admin:cases_case_change", args=[case.pk]) not in page.content.decode()


def test_alerts_are_not_added_edited_or_deleted_here(boss_client, agency):
    alert = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)

    added = boss_client.post(reverse("admin:alerts_alert_add"), {"kind": AlertKind.CHILD_HELD})
    edited = boss_client.post(reverse("admin:alerts_alert_change", args=[alert.pk]), {"outcome": "Changed"})
    deleted = boss_client.post(reverse("admin:alerts_alert_delete", args=[alert.pk]), {"post": "yes"})

    assert (added.status_code, edited.status_code, deleted.status_code) == (403, 403, 403)
    alert.refresh_from_db()
    assert (alert.done_at, alert.outcome) == (None, None)
    assert Alert.objects.count() == 1


def test_mark_as_done_asks_what_was_done_first(boss_client, agency):
    alert = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)

    response = _mark_done(boss_client, [alert])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/alerts/alert/mark_done.html"
    blank = _mark_done(boss_client, [alert], confirm="yes", outcome="  ")
    assert blank.status_code == 200
    assert "outcome" in blank.context["form"].errors
    alert.refresh_from_db()
    assert alert.done_at is None


def test_mark_as_done_goes_through_the_service(boss_client, boss, agency):
    case = register(agency=agency).case
    first = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR, case=case)
    second = alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=agency, user=boss, case=case)

    response = _mark_done(boss_client, [first, second], confirm="yes", outcome="Released the same day; guardian told")

    assert response.status_code == 302
    for alert in (first, second):
        alert.refresh_from_db()
        assert alert.done_at is not None
        assert alert.done_by == boss
        assert stored(alert, "outcome") == "Released the same day; guardian told"
    assert "2 alerts marked as done." in [str(m) for m in get_messages(response.wsgi_request)]


def test_someone_elses_alert_cannot_be_marked_done(boss_client, agency):
    mine = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)
    theirs = alert_raise(kind=AlertKind.CHILD_HELD, agency=AgencyFactory(), role=Role.SUPERVISOR)

    _mark_done(boss_client, [mine, theirs], confirm="yes", outcome="Done")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.done_at is not None
    assert theirs.done_at is None


def test_a_role_ended_closes_the_door_to_its_alerts(client, agency):
    membership = MembershipFactory(role=Role.SUPERVISOR, agency=agency)
    user = _staff(membership.user)
    alert = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)
    client.force_login(user)
    assert _listed(client) == [alert.pk]

    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])

    assert _listed(client) == []
    _mark_done(client, [alert], confirm="yes", outcome="Done")
    alert.refresh_from_db()
    assert alert.done_at is None


def test_the_caseworker_reads_her_childs_alert_in_the_admin_but_does_not_close_it_for_the_supervisors(client, agency):
    case = register(agency=agency).case
    caseworker = _staff(case.assigned_caseworker)
    alert = alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=agency, role=Role.SUPERVISOR, case=case,
                        key=f"provisional:{case.pk}")  # fmt: skip
    client.force_login(caseworker)
    assert _listed(client) == [alert.pk]
    response = _mark_done(client, [alert], confirm="1", outcome="Called the authority")
    assert any("not addressed to you" in str(m) for m in get_messages(response.wsgi_request))
    alert.refresh_from_db()
    assert alert.done_at is None


def test_the_admin_shows_how_an_alert_ended(boss_client, boss, agency):
    alert = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)
    _mark_done(boss_client, [alert], confirm="1", outcome="Released the same day")
    alert.refresh_from_db()
    assert alert.resolution == "done"
    page = boss_client.get(reverse("admin:alerts_alert_change", args=[alert.pk])).content.decode()
    assert "Marked done" in page
