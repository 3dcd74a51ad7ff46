from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.alerts.services import alert_close, alert_raise
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.cases.factories import register, supervisor_in

pytestmark = pytest.mark.django_db


def test_a_keyed_alert_is_raised_once_however_often_it_is_asked():
    agency = AgencyFactory()
    first = alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=agency, role=Role.SUPERVISOR, key="provisional:1")
    again = alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=agency, role=Role.SUPERVISOR, key="provisional:1")
    assert first is not None
    assert again is None
    assert Alert.objects.count() == 1


def test_a_closed_keyed_alert_is_not_raised_again():
    agency = AgencyFactory()
    boss = supervisor_in(agency)
    alert = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR, key="held:9")
    alert_close(actor=boss, alert=alert, outcome="Released the same day")
    assert alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR, key="held:9") is None


def test_unkeyed_alerts_are_all_kept():
    agency = AgencyFactory()
    for _ in range(2):
        alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=agency, role=Role.SUPERVISOR)
    assert Alert.objects.count() == 2


def test_an_alert_needs_someone_to_act():
    with pytest.raises(IntegrityError):
        alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=AgencyFactory())


def test_alerts_reach_the_role_in_the_agency_and_the_named_person_only():
    agency = AgencyFactory()
    boss, guardian, other = supervisor_in(agency), UserFactory(), supervisor_in(AgencyFactory())
    caseworker = MembershipFactory(agency=agency, role=Role.CASEWORKER).user
    for_role = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, role=Role.SUPERVISOR)
    for_person = alert_raise(kind=AlertKind.CHILD_HELD, agency=agency, user=guardian)
    assert list(alert_list(actor=boss)) == [for_role]
    assert list(alert_list(actor=guardian)) == [for_person]
    assert not alert_list(actor=other).exists()
    assert not alert_list(actor=caseworker).exists()


def test_overdue_guardians_come_first():
    agency = AgencyFactory()
    boss = supervisor_in(agency)
    soon = timezone.now() + timedelta(hours=1)
    alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=agency, role=Role.SUPERVISOR, due_at=soon)
    overdue = alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=agency, role=Role.SUPERVISOR, key="q:1",
                          due_at=soon + timedelta(days=3))  # fmt: skip
    assert alert_list(actor=boss).first() == overdue


def test_only_someone_it_is_addressed_to_closes_it():
    agency = AgencyFactory()
    alert = alert_raise(kind=AlertKind.CHILD_MISSING, agency=agency, role=Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        alert_close(actor=supervisor_in(AgencyFactory()), alert=alert, outcome="x")
    done = alert_close(actor=supervisor_in(agency), alert=alert, outcome="Found safe at a friend's")
    assert done.done_at is not None
    assert done not in alert_list(actor=done.done_by)


def test_the_dashboard_shows_the_alerts_first(client):
    case = register().case
    boss = supervisor_in(case.owning_agency)
    alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
                key=f"provisional:{case.pk}", detail=f"{case.reference}: provisional representative")  # fmt: skip
    client.force_login(boss)
    page = client.get(reverse("home")).content.decode()
    assert "Representative or guardian overdue" in page
    assert case.reference in page
    assert page.index("Needs your attention") < page.index("Your roles")


def test_the_dashboard_lists_alerts_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    agency = AgencyFactory()
    boss = supervisor_in(agency)
    for number in range(10):
        alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=agency, role=Role.SUPERVISOR, key=f"k{number}")
    client.force_login(boss)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))
