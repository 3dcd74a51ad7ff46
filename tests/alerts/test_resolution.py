"""Alerts follow the case: they close when their condition ends or the case closes, and the
assigned caseworker sees the alerts about her own children."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.alerts.models import Alert, AlertKind, Resolution
from apps.alerts.selectors import alert_addressed_list, alert_list
from apps.alerts.services import alert_close, alert_raise, alert_resolver, alerts_resolve, resolver_for
from apps.alerts.tasks import alerts_resolve_check
from apps.care.services import missing_report
from apps.cases.models import CaseState
from apps.cases.services import case_assign, case_transition, child_anonymise
from apps.guardianship.models import AppointmentKind
from apps.guardianship.services import guardian_appoint, guardian_deadlines_alert
from apps.guardianship.tasks import guardian_deadlines_check
from apps.voice.models import ViewsDecision
from tests.accounts.factories import MembershipFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.cases.sealed import stored
from tests.guardianship.factories import eligible_guardian
from tests.solutions.factories import prepare_for
from tests.voice.factories import heard

pytestmark = pytest.mark.django_db
PATH = ["start_protection", "start_assessment", "start_support", "seek_durable_solution", "implement_solution",
        "start_follow_up", "move_to_aftercare", "close"]  # fmt: skip


def walked_to_closed(case):
    """Walk a case along the main path to closed, as the workflow tests do."""
    boss = supervisor_in(case.owning_agency)
    for name in PATH:
        prepare_for(case, name)
        actor = boss if name == "close" else case.registered_by
        case = case_transition(actor=actor, case=case, transition=name, expected_version=case.version,
                               reason="Fictional test step")  # fmt: skip
        if name == "move_to_aftercare":
            heard(case, ViewsDecision.CLOSURE)
    assert case.state == CaseState.CLOSED
    return case


def _overdue(case, at):
    return alert_raise(kind=AlertKind.GUARDIAN_OVERDUE, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
                       key=f"provisional:{case.pk}", detail=f"{case.reference}: provisional representative", at=at)  # fmt: skip


# --- Closed cases ---------------------------------------------------------------------------
def test_a_closed_case_has_no_open_alerts():
    case = register().case
    boss = supervisor_in(case.owning_agency)
    alert = alert_raise(kind=AlertKind.NON_PUNISHMENT, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
                        key=f"charge:{case.pk}", detail=case.reference)  # fmt: skip
    assert alert in alert_list(actor=boss)
    walked_to_closed(case)
    assert alert not in alert_list(actor=boss), "hidden at once, before the periodic resolution"
    assert alerts_resolve() == 1
    alert.refresh_from_db()
    assert (alert.resolution, stored(alert, "outcome"), alert.done_by) == (
        Resolution.CASE_CLOSED, "The case was closed.", None)  # fmt: skip
    assert alert.done_at is not None
    assert not Alert.objects.filter(case__state=CaseState.CLOSED, done_at__isnull=True).exists()
    assert alerts_resolve() == 0, "resolving twice resolves once"


def test_the_periodic_task_resolves_the_alerts_of_closed_cases():
    case = register().case
    _overdue(case, timezone.now())
    walked_to_closed(case)
    assert alerts_resolve_check() == 1
    assert Alert.objects.get().resolution == Resolution.CASE_CLOSED


def test_the_demo_world_leaves_no_open_alert_on_a_closed_case():
    call_command("seed_demo", "--quiet-logins")
    assert Alert.objects.filter(case__state=CaseState.CLOSED).exists()
    assert not Alert.objects.filter(case__state=CaseState.CLOSED, done_at__isnull=True).exists()


# --- Conditions that end ----------------------------------------------------------------------
def test_an_overdue_guardian_alert_resolves_when_a_guardian_becomes_active():
    case = register().case
    boss = supervisor_in(case.owning_agency)
    late = case.identified_at + timedelta(hours=25)
    assert guardian_deadlines_alert(at=late) == 1
    alert = Alert.objects.get(kind=AlertKind.GUARDIAN_OVERDUE, case=case)
    assert alerts_resolve(kinds=[AlertKind.GUARDIAN_OVERDUE], at=late) == 0, "still no guardian"
    guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL,
                     at=late + timedelta(hours=1))  # fmt: skip
    later = late + timedelta(hours=2)
    assert alerts_resolve(kinds=[AlertKind.GUARDIAN_OVERDUE], at=later) == 1
    assert alerts_resolve(kinds=[AlertKind.GUARDIAN_OVERDUE], at=later) == 0
    assert guardian_deadlines_alert(at=later) == 0
    alert.refresh_from_db()
    assert (alert.resolution, alert.done_at) == (Resolution.CONDITION_ENDED, later)
    assert stored(alert, "outcome") == "A representative or guardian was appointed."
    assert not alert_list(actor=boss).exists()


def test_the_qualified_guardian_alert_waits_for_a_qualified_guardian():
    case = register().case
    boss = supervisor_in(case.owning_agency)
    guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL,
                     at=case.identified_at + timedelta(hours=2))  # fmt: skip
    late = case.identified_at + timedelta(days=30)
    assert guardian_deadlines_alert(at=late) == 1
    assert Alert.objects.get().key == f"qualified:{case.pk}"
    assert alerts_resolve(at=late) == 0, "a provisional representative is not the qualified guardian"
    guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.QUALIFIED,
                     at=late + timedelta(hours=1))  # fmt: skip
    assert alerts_resolve(at=late + timedelta(hours=2)) == 1
    assert stored(Alert.objects.get(), "outcome") == "A qualified guardian was appointed."


def test_the_guardian_deadline_task_resolves_overdue_alerts_run_after_run():
    case = register(identified_at=timezone.now() - timedelta(days=2)).case
    boss = supervisor_in(case.owning_agency)
    guardian_deadlines_check()
    assert Alert.objects.get(kind=AlertKind.GUARDIAN_OVERDUE).done_at is None
    guardian_deadlines_check()
    assert Alert.objects.get(kind=AlertKind.GUARDIAN_OVERDUE).done_at is None, "the second run changes nothing"
    guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    guardian_deadlines_check()
    guardian_deadlines_check()
    alert = Alert.objects.get(kind=AlertKind.GUARDIAN_OVERDUE)
    assert alert.resolution == Resolution.CONDITION_ENDED


def test_a_resolver_is_registered_per_kind_and_a_kind_without_one_stays_open():
    assert resolver_for(AlertKind.GUARDIAN_OVERDUE) is not None
    case = register().case
    alert_raise(kind=AlertKind.SERVICE_REQUESTED, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
                key="service:1")  # fmt: skip
    assert alerts_resolve() == 0


def test_a_registered_resolver_is_asked_only_about_its_kind():
    asked = []

    @alert_resolver("TEST_KIND")
    def never(alert, at):  # pragma: no cover - not called for other kinds
        asked.append(alert)
        return "ended"

    try:
        case = register().case
        _overdue(case, timezone.now())
        alerts_resolve(kinds=[AlertKind.GUARDIAN_OVERDUE])
        assert asked == []
    finally:
        from apps.alerts import services

        services._RESOLVERS.pop("TEST_KIND", None)


def test_a_resolution_is_always_a_done_alert_in_the_database():
    case = register().case
    alert = _overdue(case, timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(resolution=Resolution.CASE_CLOSED)


def test_an_anonymised_childs_open_alerts_still_resolve_with_their_reason_and_no_words():
    # Nothing about the child can be sealed any more: the resolution alone says why.
    case = register().case
    alert = _overdue(case, timezone.now())
    boss = supervisor_in(case.owning_agency)
    walked_to_closed(case)
    child_anonymise(actor=boss, child=case.child)
    assert alerts_resolve() == 1
    alert.refresh_from_db()
    assert (alert.resolution, alert.outcome) == (Resolution.CASE_CLOSED, None)
    assert alert.done_at is not None


def test_marking_an_alert_done_records_the_resolution():
    case = register().case
    boss = supervisor_in(case.owning_agency)
    alert = _overdue(case, timezone.now())
    assert alert_close(actor=boss, alert=alert, outcome="Appointed by phone.").resolution == Resolution.DONE


# --- The caseworker's own children ------------------------------------------------------------
def test_the_caseworker_sees_the_alerts_about_her_own_children():
    case = register().case
    caseworker = case.assigned_caseworker
    alert = _overdue(case, timezone.now())
    assert list(alert_list(actor=caseworker)) == [alert]
    assert not alert_addressed_list(actor=caseworker).exists()


def test_another_caseworker_of_the_agency_does_not():
    case = register().case
    other = caseworker_in(case.owning_agency)
    _overdue(case, timezone.now())
    assert not alert_list(actor=other).exists()


def test_she_does_not_close_an_alert_addressed_to_the_supervisors():
    case = register().case
    alert = _overdue(case, timezone.now())
    with pytest.raises(PermissionDenied):
        alert_close(actor=case.assigned_caseworker, alert=alert, outcome="Done")


def test_a_supervisor_who_is_also_the_assigned_caseworker_sees_each_alert_once():
    case = register().case
    MembershipFactory(user=case.assigned_caseworker, agency=case.owning_agency, role=Role.SUPERVISOR)
    alert = _overdue(case, timezone.now())
    assert list(alert_list(actor=case.assigned_caseworker)) == [alert]


def test_alerts_follow_the_child_to_her_new_caseworker():
    case = register().case
    first = case.assigned_caseworker
    boss = supervisor_in(case.owning_agency)
    _overdue(case, timezone.now())
    second = caseworker_in(case.owning_agency, case.team)
    case_assign(actor=boss, case=case, expected_version=case.version, team=case.team, caseworker=second)
    assert alert_list(actor=second).count() == 1
    assert not alert_list(actor=first).exists()


def test_a_former_caseworker_who_left_the_agency_sees_none():
    case = register().case
    caseworker = case.assigned_caseworker
    _overdue(case, timezone.now())
    caseworker.memberships.update(ended_at=timezone.now())
    assert not alert_list(actor=caseworker).exists()


def test_a_complaint_is_never_shown_to_the_caseworker_unless_addressed_to_her():
    case = register().case
    alert_raise(kind=AlertKind.COMPLAINT, agency=case.owning_agency, role=Role.SUPERVISOR, case=case, key="c:1")
    assert not alert_list(actor=case.assigned_caseworker).exists()


def test_an_alert_addressed_to_the_guardian_is_not_repeated_to_the_caseworker():
    case = register().case
    guardian = eligible_guardian()
    alert_raise(kind=AlertKind.CHILD_MISSING, agency=case.owning_agency, user=guardian, case=case, key="m:1:g")
    assert not alert_list(actor=case.assigned_caseworker).exists()


def test_the_caseworkers_home_page_shows_her_missing_child(client):
    case = register().case
    caseworker = case.assigned_caseworker
    supervisor_in(case.owning_agency)
    missing_report(actor=caseworker, case=case, reason="Did not come back to the shelter last night.")
    client.force_login(caseworker)
    page = client.get(reverse("home")).content.decode()
    assert "Nothing needs your attention" not in page
    assert "Child missing from care" in page
    assert case.reference in page
