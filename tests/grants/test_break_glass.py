"""Break-glass: out of hours, a caseworker on duty reads a case she cannot see, read-only, for
HAVEN_BREAK_GLASS_HOURS; the supervisors are alerted at once and review it the next working day."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_addressed_list
from apps.audit.models import Channel, RecordAccess
from apps.cases import vault
from apps.cases.access import Action, cases_for, require
from apps.cases.reading import SealedReader
from apps.core.rules import RuleViolation
from apps.grants import services
from apps.grants.models import BreakGlass
from apps.grants.selectors import break_glass_to_review
from apps.grants.tasks import break_glass_reviews_check
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.grants.factories import frozen, saturday_night, wednesday_noon

pytestmark = pytest.mark.django_db
REASON = "Found alone at the station at night; the shelter needs her contact restrictions."


@pytest.fixture
def w():
    agency = AgencyFactory(time_zone="Europe/Lisbon")
    intake = TeamFactory(agency=agency)
    case = register(caseworker_in(agency, intake), agency).case
    on_duty = caseworker_in(agency, TeamFactory(agency=agency))  # another team: does not see the case
    return {"agency": agency, "case": case, "on_duty": on_duty, "supervisor": supervisor_in(agency)}


def _open(w, at=None, **kwargs):
    arguments = {"actor": w["on_duty"], "case": w["case"], "reason": REASON, "at": at or saturday_night(w["agency"])}
    return services.break_glass_open(**{**arguments, **kwargs})


def _codes(refusal):
    return refusal.value.codes


# --- Opening and reading -------------------------------------------------------------------------
def test_out_of_hours_a_caseworker_on_duty_reads_a_case_she_could_not_see(w, monkeypatch):
    night = saturday_night(w["agency"])
    frozen(monkeypatch, night)
    with pytest.raises(Http404):
        require(w["on_duty"], Action.READ, w["case"])
    _open(w, at=night)
    require(w["on_duty"], Action.READ, w["case"])
    assert w["case"] in cases_for(w["on_duty"], Action.READ)


@pytest.mark.parametrize("action", [Action.WORK, Action.WORK_OR_GUARD, Action.SUPERVISE, Action.GUARD])
def test_under_break_glass_she_cannot_act_on_the_case(w, monkeypatch, action):
    night = saturday_night(w["agency"])
    frozen(monkeypatch, night)
    _open(w, at=night)
    with pytest.raises(PermissionDenied):
        require(w["on_duty"], action, w["case"])
    assert w["case"] not in cases_for(w["on_duty"], action)


def test_the_reason_is_sealed_with_the_child_key(w):
    opening = _open(w)
    child = w["case"].child
    assert REASON.encode() not in bytes(opening.reason)
    assert vault.open_sealed(child, vault.data_key(child), BreakGlass, "reason", opening.reason) == REASON


def test_every_read_under_break_glass_is_marked_in_the_read_log(w, monkeypatch):
    night = saturday_night(w["agency"])
    frozen(monkeypatch, night)
    _open(w, at=night)
    SealedReader(actor=w["on_duty"], channel=Channel.WEB).note(w["case"])
    SealedReader(actor=w["on_duty"], channel=Channel.API).note_cases([w["case"].pk])
    SealedReader(actor=w["supervisor"], channel=Channel.WEB).note(w["case"])
    marked = RecordAccess.objects.filter(case=w["case"]).values_list("actor", "channel", "break_glass")
    assert sorted(marked) == sorted([
        (w["on_duty"].pk, Channel.WEB, True), (w["on_duty"].pk, Channel.API, True), (w["supervisor"].pk, Channel.WEB, False),
    ])  # fmt: skip


def test_the_reading_ends_after_four_hours_and_the_case_is_a_404_again(w, monkeypatch):
    night = saturday_night(w["agency"])
    opening = _open(w, at=night)
    assert opening.expires_at == night + timedelta(hours=4)
    frozen(monkeypatch, night + timedelta(hours=3, minutes=59))
    require(w["on_duty"], Action.READ, w["case"])
    frozen(monkeypatch, night + timedelta(hours=4))
    with pytest.raises(Http404):
        require(w["on_duty"], Action.READ, w["case"])
    # A read after it ended is no longer marked: she reads nothing through it.
    SealedReader(actor=w["on_duty"], channel=Channel.WEB).note(w["case"])
    assert not RecordAccess.objects.filter(actor=w["on_duty"], break_glass=True).exists()


def test_the_duration_is_a_setting(w, settings):
    settings.HAVEN_BREAK_GLASS_HOURS = 2
    opening = _open(w)
    assert opening.expires_at - opening.opened_at == timedelta(hours=2)


# --- Alerts and review ---------------------------------------------------------------------------
def test_the_owning_agency_supervisors_are_alerted_at_once(w):
    opening = _open(w)
    alert = Alert.objects.get(kind=AlertKind.URGENT_ACTION_REVIEW, case=w["case"])
    assert (alert.agency, alert.role, alert.raised_at) == (w["agency"], Role.SUPERVISOR, opening.opened_at)
    assert alert in alert_addressed_list(actor=w["supervisor"])
    assert w["case"].reference in alert.detail
    assert REASON not in alert.detail  # the reason is the child's; the alert says only which case


def test_the_review_is_due_at_the_next_working_day_opening(w):
    opening = _open(w)
    saturday = opening.opened_at.astimezone(ZoneInfo("Europe/Lisbon")).date()
    monday = datetime.combine(saturday + timedelta(days=2), time(9, 0), tzinfo=ZoneInfo("Europe/Lisbon"))
    assert opening.review_due_at == monday
    assert Alert.objects.get(case=w["case"]).due_at == monday


def test_the_next_working_day_the_supervisors_are_reminded_once(w):
    opening = _open(w)
    assert services.break_glass_reviews_alert(at=opening.opened_at + timedelta(hours=5)) == 0
    assert services.break_glass_reviews_alert(at=opening.review_due_at) == 1
    assert services.break_glass_reviews_alert(at=opening.review_due_at + timedelta(hours=1)) == 0
    reminder = Alert.objects.get(key=f"break-glass-review:{opening.pk}")
    assert (reminder.role, reminder.case) == (Role.SUPERVISOR, w["case"])


def test_the_reminder_runs_as_a_periodic_task(w, monkeypatch):
    opening = _open(w)
    frozen(monkeypatch, opening.review_due_at)
    assert break_glass_reviews_check() == 1


def test_a_supervisor_reviews_it_and_its_alerts_close(w):
    opening = _open(w)
    services.break_glass_reviews_alert(at=opening.review_due_at)
    reviewed = services.break_glass_review(
        actor=w["supervisor"], opening=opening, note="Needed and proportionate.", at=opening.review_due_at
    )
    assert (reviewed.reviewed_by, reviewed.reviewed_at) == (w["supervisor"], opening.review_due_at)
    assert not Alert.objects.filter(case=w["case"], done_at__isnull=True).exists()
    assert not break_glass_to_review(at=opening.review_due_at).exists()


def test_it_is_reviewed_once(w):
    opening = _open(w)
    services.break_glass_review(actor=w["supervisor"], opening=opening)
    with pytest.raises(RuleViolation) as refusal:
        services.break_glass_review(actor=w["supervisor"], opening=opening, note="Again.")
    assert _codes(refusal) == ["BREAK_GLASS_NOT_ALLOWED.ALREADY_REVIEWED"]


def test_only_a_supervisor_of_the_owning_agency_reviews_it(w):
    opening = _open(w)
    with pytest.raises(PermissionDenied):
        services.break_glass_review(actor=w["case"].assigned_caseworker, opening=opening)
    with pytest.raises(Http404):
        services.break_glass_review(actor=supervisor_in(AgencyFactory()), opening=opening)
    assert BreakGlass.objects.get(pk=opening.pk).reviewed_at is None


# --- Refusals: nothing written -------------------------------------------------------------------
def _refused(w, **kwargs):
    with pytest.raises(RuleViolation) as refusal:
        _open(w, **kwargs)
    assert not BreakGlass.objects.exists()
    assert not Alert.objects.filter(case=w["case"]).exists()
    return _codes(refusal)


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_is_refused(w, reason):
    assert _refused(w, reason=reason) == ["BREAK_GLASS_NOT_ALLOWED.EMPTY_REASON"]


def test_during_office_hours_it_is_refused(w):
    assert _refused(w, at=wednesday_noon(w["agency"])) == ["BREAK_GLASS_NOT_ALLOWED.OFFICE_HOURS"]


def test_the_owning_agency_hours_decide_in_its_time_zone(w):
    # Wednesday 08:30 in Lisbon: the office opens at 09:00 there.
    early = wednesday_noon(w["agency"]).replace(hour=8, minute=30)
    assert _open(w, at=early).opened_at == early


def test_a_case_already_visible_is_refused(w):
    assert _refused(w, actor=w["case"].assigned_caseworker) == ["BREAK_GLASS_NOT_ALLOWED.ALREADY_VISIBLE"]


def test_a_second_break_glass_while_one_runs_is_refused(w):
    first = _open(w)
    with pytest.raises(RuleViolation) as refusal:
        _open(w, at=first.opened_at + timedelta(hours=1))
    assert _codes(refusal) == ["BREAK_GLASS_NOT_ALLOWED.ALREADY_VISIBLE"]
    assert BreakGlass.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PARTNER_STAFF, Role.AGENCY_ADMIN, Role.ANALYST, Role.OPERATOR])
def test_someone_who_is_not_a_caseworker_on_duty_is_refused(w, role):
    other = MembershipFactory(role=role, agency=w["agency"]).user
    assert _refused(w, actor=other) == ["BREAK_GLASS_NOT_ALLOWED.NOT_ON_DUTY"]


def test_every_reason_is_given_at_once(w):
    outsider = MembershipFactory(role=Role.ANALYST).user
    codes = _refused(w, actor=outsider, reason="", at=wednesday_noon(w["agency"]))
    assert codes == [
        "BREAK_GLASS_NOT_ALLOWED.EMPTY_REASON", "BREAK_GLASS_NOT_ALLOWED.OFFICE_HOURS",
        "BREAK_GLASS_NOT_ALLOWED.NOT_ON_DUTY",
    ]  # fmt: skip


def test_an_anonymised_child_record_is_refused(w):
    w["case"].child.__class__.objects.filter(pk=w["case"].child_id).update(anonymised_at=saturday_night(w["agency"]))
    assert _refused(w) == ["BREAK_GLASS_NOT_ALLOWED"]


def test_a_caseworker_of_another_agency_on_duty_may_open_it(w, monkeypatch):
    night = saturday_night(w["agency"])
    elsewhere = caseworker_in(AgencyFactory(time_zone="Europe/Madrid"))
    _open(w, actor=elsewhere, at=night)
    frozen(monkeypatch, night)
    require(elsewhere, Action.READ, w["case"])
    with pytest.raises(PermissionDenied):
        require(elsewhere, Action.WORK, w["case"])
