"""Every write of the solutions app (R4, R9), and the periodic checks that raise its alerts.

A durable solution (or a release to an adult) is planned by the caseworker, decided by a
supervisor of the owning agency once its whole gate holds (`rules.solution_gate`: every
missing condition in one refusal), then implemented — and a move across a border is held
by the same gate again at departure, since a claim lodged or an assessment expired since
the decision would make it unsafe. Implementing a return, release, reunification or
resettlement schedules follow-up visits at HAVEN_FOLLOW_UP_MONTHS; overdue ones alert the
caseworker. Twelve months before a young person comes of age (by the latest possible birth
date), the caseworker is reminded to prepare a transition plan; on the day, reminded that the
case moves to aftercare rather than closing. Nothing here touches urgent protection.

Alerts carry the case reference at most, never the child's data.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState
from apps.cases.selectors import agency_roles
from apps.cases.services import facts_reliance_record
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.family.models import Relative
from apps.solutions import rules
from apps.solutions.models import (
    FOLLOWED_UP_TYPES,
    WITH_AN_ADULT_TYPES,
    DurableSolution,
    FollowUpVisit,
    ReintegrationPlan,
    ReintegrationService,
    ResidenceStatus,
    ServiceNeed,
    SolutionStatus,
    SolutionType,
    TransitionPlan,
    VisitOutcome,
)
from apps.solutions.selectors import coming_of_age, visit_done

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


# --- Shared ------------------------------------------------------------------------------------
def months_after(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months later (or earlier); a day the month lacks becomes
    its last day (31 January + 1 month = 28 or 29 February)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _require_supervisor(actor: User, case: Case) -> None:
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    if Role.SUPERVISOR not in agency_roles(actor=actor, agency_id=case.owning_agency_id):
        raise PermissionDenied(_("Only a supervisor of the agency decides a durable solution or a release."))


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _locked(solution: DurableSolution) -> DurableSolution:
    return DurableSolution.objects.select_for_update(of=("self",)).select_related("case__child", "case__owning_agency",
                                                                       "relative").get(pk=solution.pk)  # fmt: skip


def _iso(country: str) -> str:
    code = country.strip().upper()
    if code and (len(code) != 2 or not code.isalpha()):
        raise ValidationError({"country": _("Give the country's two-letter ISO 3166 code.")})
    return code


def _to_caseworker(
    *, kind: str, case: Case, key: str, detail: str, at: datetime, due_at: datetime | None
) -> Alert | None:
    """To the assigned caseworker by name; to the agency's caseworkers when none is assigned."""
    if case.assigned_caseworker_id is not None:
        return alert_raise(
            kind=kind, agency=case.owning_agency, user=case.assigned_caseworker, case=case,
            key=f"{key}:user:{case.assigned_caseworker_id}", detail=detail, due_at=due_at, at=at,
        )  # fmt: skip
    return alert_raise(kind=kind, agency=case.owning_agency, role=Role.CASEWORKER, case=case, key=key, detail=detail,
                       due_at=due_at, at=at)  # fmt: skip


# --- Planning ----------------------------------------------------------------------------------
def _destination(*, kind: str, country: str, case: Case, relative: Relative | None) -> str:
    """Where the child will live, and whether that fits the kind of solution."""
    home = case.owning_agency.country
    origin = case.child.country_of_origin
    if kind == SolutionType.RETURN:
        country = country or origin
        if not country:
            raise ValidationError({"country": _("Give the country the child would return to.")})
        if origin and country != origin:
            raise ValidationError({"country": _("A return is to the child's country of origin (%(origin)s).")
                                   % {"origin": origin}})  # fmt: skip
        return country
    if kind == SolutionType.RESETTLEMENT:
        if not country or country in {home, origin}:
            raise ValidationError({"country": _("Resettlement is to a third country: neither this one nor the "
                                                "child's country of origin.")})  # fmt: skip
        return country
    if kind == SolutionType.FAMILY_REUNIFICATION:
        return country or (relative.country if relative is not None and relative.country else home)
    if country and country != home:
        raise ValidationError({"country": _("This solution is inside the country; a move abroad is a "
                                            "reunification, a resettlement or a return.")})  # fmt: skip
    return home


@transaction.atomic
def solution_plan(
    *,
    actor: User,
    case: Case,
    kind: str,
    country: str = "",
    relative: Relative | None = None,
    residence_status: str = "",
    residence_permit_until: date | None = None,
    details: str = "",
    at: datetime | None = None,
) -> DurableSolution:
    """Plan a durable solution or a release to an adult; one in the making per case at a time.

    A reunification and a release name the relative or other adult (of this case); local
    integration records the child's residence status. The plan in words is sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    if kind not in SolutionType.values:
        raise ValidationError({"kind": _("Unknown solution.")})
    if case.state == CaseState.CLOSED:
        raise ValidationError(_("The case is closed: reopen it to plan a solution."))
    if relative is not None and relative.case_id != case.pk:
        raise ValidationError({"relative": _("This person is recorded on another case.")})
    if kind in WITH_AN_ADULT_TYPES and relative is None:
        raise ValidationError({"relative": _("Name the relative or other adult the child would live with.")})
    if kind == SolutionType.LOCAL_INTEGRATION and residence_status not in ResidenceStatus.values:
        raise ValidationError({"residence_status": _("Record the child's residence status.")})
    moment = at or timezone.now()
    core_dates.refuse_implausible(
        residence_permit_until, core_dates.VALID_UNTIL, field=_lazy("end of the residence permit"), at=moment
    )
    solution = DurableSolution(
        case=case, kind=kind, country=_destination(kind=kind, country=_iso(country), case=case, relative=relative),
        relative=relative, residence_status=residence_status, residence_permit_until=residence_permit_until,
        planned_by=actor, planned_at=moment,
    )  # fmt: skip
    solution.details = _seal(case, DurableSolution, "details", details)
    try:
        with transaction.atomic():
            solution.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Another solution is already in the making for this case: decide or withdraw it first.")
        ) from exc
    return solution


# --- Deciding and implementing -----------------------------------------------------------------
def solution_check(*, solution: DurableSolution, at: datetime | None = None) -> Violations:
    """What deciding the solution at `at` would still need (nothing when it may be decided)."""
    found = Violations()
    rules.solution_gate(found, solution=solution, at=at or timezone.now())
    return found


@transaction.atomic
def solution_decide(
    *, actor: User, solution: DurableSolution, reason: str = "", at: datetime | None = None
) -> DurableSolution:
    """A supervisor of the owning agency decides a planned solution, only when every condition
    of its gate holds; otherwise one RuleViolation lists all that is missing."""
    locked = _locked(solution)
    _require_supervisor(actor, locked.case)
    if locked.status != SolutionStatus.PLANNED:
        raise ValidationError(_("Only a planned solution is decided; this one is %(status)s.")
                              % {"status": locked.get_status_display().lower()})  # fmt: skip
    moment = at or timezone.now()
    solution_check(solution=locked, at=moment).raise_if_any()
    DurableSolution.objects.filter(pk=locked.pk).update(
        status=SolutionStatus.DECIDED, decided_by=actor, decided_at=moment,
        decision_reason=_seal(locked.case, DurableSolution, "decision_reason", reason),
    )  # fmt: skip
    locked.refresh_from_db()
    facts_reliance_record(actor=actor, case=locked.case, decision=locked, at=moment)  # the gating facts it relied on
    return locked


def _follow_up_months() -> list[int]:
    return sorted({int(m) for m in settings.HAVEN_FOLLOW_UP_MONTHS if int(m) > 0})


@transaction.atomic
def solution_implement(*, actor: User, solution: DurableSolution, at: datetime | None = None) -> DurableSolution:
    """Record that a decided solution is in place; follow-ups are scheduled for a return, a
    release, a reunification and a resettlement. A move across a border must still pass the
    whole gate at departure."""
    locked = _locked(solution)
    require(actor, Action.WORK, locked.case)
    if locked.status != SolutionStatus.DECIDED:
        raise ValidationError(_("Only a decided solution is implemented; this one is %(status)s.")
                              % {"status": locked.get_status_display().lower()})  # fmt: skip
    moment = at or timezone.now()
    if rules.crosses_border(locked):
        # The departure is a move across a border: the same public gate every other channel asks.
        found = Violations()
        rules.cross_border_move_allowed(found, case=locked.case, country=locked.country, solution=locked, at=moment)
        found.raise_if_any()
    DurableSolution.objects.filter(pk=locked.pk).update(
        status=SolutionStatus.IMPLEMENTED, implemented_by=actor, implemented_at=moment
    )
    if locked.kind in FOLLOWED_UP_TYPES:
        FollowUpVisit.objects.bulk_create(
            [
                FollowUpVisit(
                    solution=locked, case=locked.case, months_after=months, due_at=months_after(moment, months)
                )
                for months in _follow_up_months()
            ]
        )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def solution_withdraw(
    *, actor: User, solution: DurableSolution, reason: str, at: datetime | None = None
) -> DurableSolution:
    """Withdraw a planned or decided solution (circumstances changed), with the reason why."""
    locked = _locked(solution)
    require(actor, Action.WORK, locked.case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the solution is withdrawn.")})
    if locked.status not in {SolutionStatus.PLANNED, SolutionStatus.DECIDED}:
        raise ValidationError(_("An implemented or withdrawn solution cannot be withdrawn."))
    DurableSolution.objects.filter(pk=locked.pk).update(
        status=SolutionStatus.WITHDRAWN, withdrawn_by=actor, withdrawn_at=at or timezone.now(),
        withdrawn_reason=_seal(locked.case, DurableSolution, "withdrawn_reason", reason),
    )  # fmt: skip
    locked.refresh_from_db()
    return locked


# --- The reintegration plan --------------------------------------------------------------------
def _plan_open(solution: DurableSolution) -> None:
    if solution.status != SolutionStatus.PLANNED:
        raise ValidationError(_("The plan of a decided solution is not changed: withdraw it and plan again."))


@transaction.atomic
def reintegration_plan_record(
    *,
    actor: User,
    solution: DurableSolution,
    receiving_agency: Agency | None = None,
    receiving_agency_name: str = "",
    caregiver: str = "",
    caregiver_agreed_at: datetime | None = None,
    caregiver_able: bool | None = None,
    escort: str = "",
    placement_abroad: bool = False,
    state_consulted_at: datetime | None = None,
    state_consultation_reference: str = "",
    notes: str = "",
    at: datetime | None = None,
) -> ReintegrationPlan:
    """Record the reintegration plan of a planned solution, as a whole (again, to change it).

    The caregiver (who, their relationship, where) and the notes are sealed. The services the
    child needs are recorded with `reintegration_service_record`.
    """
    locked = _locked(solution)
    require(actor, Action.WORK, locked.case)
    _plan_open(locked)
    moment = at or timezone.now()
    # Both decide R4's gate (the caregiver agreed, the receiving state was consulted): they have happened.
    core_dates.refuse_implausible_dates([
        (caregiver_agreed_at, core_dates.CASE_EVENT, _lazy("date the caregiver agreed")),
        (state_consulted_at, core_dates.CASE_EVENT, _lazy("date the receiving state was consulted")),
    ], at=moment)  # fmt: skip
    case = locked.case
    values: dict[str, Any] = {
        "receiving_agency": receiving_agency, "receiving_agency_name": receiving_agency_name.strip(),
        "caregiver": _seal(case, ReintegrationPlan, "caregiver", caregiver), "caregiver_agreed_at": caregiver_agreed_at,
        "caregiver_able": caregiver_able, "escort": escort.strip(), "placement_abroad": placement_abroad,
        "state_consulted_at": state_consulted_at, "state_consultation_reference": state_consultation_reference.strip(),
        "notes": _seal(case, ReintegrationPlan, "notes", notes), "updated_by": actor, "updated_at": moment,
    }  # fmt: skip
    plan, _created = ReintegrationPlan.objects.update_or_create(solution=locked, defaults=values)
    return plan


@transaction.atomic
def reintegration_service_record(
    *,
    actor: User,
    plan: ReintegrationPlan,
    need: str,
    provider: str = "",
    confirmed: bool = False,
    at: datetime | None = None,
) -> ReintegrationService:
    """A service the child needs on arrival; confirmed now when `confirmed`."""
    locked = _locked(plan.solution)
    require(actor, Action.WORK, locked.case)
    _plan_open(locked)
    if need not in ServiceNeed.values:
        raise ValidationError({"need": _("Unknown service.")})
    moment = at or timezone.now()
    return ReintegrationService.objects.create(
        plan=plan, need=need, provider=provider.strip(), confirmed_at=moment if confirmed else None,
        confirmed_by=actor if confirmed else None, recorded_by=actor, recorded_at=moment,
    )  # fmt: skip


@transaction.atomic
def reintegration_service_confirm(
    *, actor: User, service: ReintegrationService, at: datetime | None = None
) -> ReintegrationService:
    """The provider confirmed the service is available for the child on arrival."""
    locked = _locked(service.plan.solution)
    require(actor, Action.WORK, locked.case)
    _plan_open(locked)
    ReintegrationService.objects.filter(pk=service.pk, confirmed_at__isnull=True).update(
        confirmed_at=at or timezone.now(), confirmed_by=actor
    )
    service.refresh_from_db()
    return service


# --- Follow-ups --------------------------------------------------------------------------------
@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    visit: FollowUpVisit,
    outcome: str,
    visited_at: datetime | None = None,
    visited_by: str = "",
    notes: str = "",
    at: datetime | None = None,
) -> FollowUpVisit:
    """Record a follow-up visit. A child who could not be reached leaves the visit outstanding
    (it may be recorded again once they are seen) and alerts the caseworker at once."""
    locked = (
        FollowUpVisit.objects.select_for_update().select_related("case__child", "case__owning_agency").get(pk=visit.pk)
    )
    case = locked.case
    require(actor, Action.WORK, case)
    if outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    if FollowUpVisit.objects.filter(pk=locked.pk).filter(visit_done()).exists():
        raise ValidationError(_("This visit is already recorded."))
    moment = at or timezone.now()
    when = visited_at or moment
    core_dates.refuse_implausible(when, core_dates.CASE_EVENT, field=_lazy("date of the visit"), at=moment)
    if locked.solution.implemented_at is not None and when < locked.solution.implemented_at:
        raise ValidationError({"visited_at": _("A follow-up visit comes after the solution was implemented.")})
    FollowUpVisit.objects.filter(pk=locked.pk).update(
        visited_at=when, outcome=outcome, visited_by=visited_by.strip(), recorded_by=actor,
        notes=_seal(case, FollowUpVisit, "notes", notes),
    )  # fmt: skip
    if outcome == VisitOutcome.NOT_REACHED:
        detail = _("%(case)s: the child could not be reached at the %(months)s-month follow-up") % {
            "case": case.reference, "months": locked.months_after,
        }  # fmt: skip
        _to_caseworker(kind=AlertKind.FOLLOW_UP_OVERDUE, case=case, key=f"follow-up:{locked.pk}:not-reached:{when:%Y%m%d}",
                       detail=detail, at=moment, due_at=moment)  # fmt: skip
    locked.refresh_from_db()
    return locked


def follow_ups_alert(*, at: datetime | None = None) -> int:
    """Periodic: FOLLOW_UP_OVERDUE to the caseworker for each visit past its due time and not
    done. Keyed per visit: running twice alerts once. Returns how many were raised."""
    moment = at or timezone.now()
    overdue = (
        FollowUpVisit.objects.filter(due_at__lt=moment, visited_at__isnull=True)
        .exclude(case__state=CaseState.CLOSED)
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )
    raised = 0
    for visit in overdue.iterator():
        detail = _("%(case)s: the %(months)s-month follow-up visit was due on %(due)s") % {
            "case": visit.case.reference, "months": visit.months_after, "due": f"{visit.due_at:%Y-%m-%d}",
        }  # fmt: skip
        alert = _to_caseworker(kind=AlertKind.FOLLOW_UP_OVERDUE, case=visit.case, key=f"follow-up:{visit.pk}",
                               detail=detail, at=moment, due_at=visit.due_at)  # fmt: skip
        raised += alert is not None
    return raised


# --- Growing up (R9) ---------------------------------------------------------------------------
@transaction.atomic
def transition_plan_record(*, actor: User, case: Case, plan: str, at: datetime | None = None) -> TransitionPlan:
    """Record the young person's transition plan (sealed); the reminder to prepare it is done."""
    case = _load(case)
    require(actor, Action.WORK, case)
    if not plan.strip():
        raise ValidationError({"plan": _("Write the plan.")})
    moment = at or timezone.now()
    record = TransitionPlan(case=case, prepared_at=moment, prepared_by=actor)
    record.plan = _seal(case, TransitionPlan, "plan", plan)
    record.save()
    alerts_done(
        Alert.objects.filter(kind=AlertKind.TRANSITION_PLAN_DUE, case=case, key__startswith=f"transition-plan:{case.pk}:"),
        actor=actor, outcome=_("Transition plan prepared."), at=moment,
    )  # fmt: skip
    return record


def _start_of(day: date, agency: Agency) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(agency.time_zone))


def growing_up_alert(*, at: datetime | None = None) -> int:
    """Periodic: TRANSITION_PLAN_DUE to the caseworker HAVEN_TRANSITION_PLAN_MONTHS before the
    young person comes of age (by the latest possible birth date, R2), unless a plan is
    recorded; and on that day, for a case still open and not in aftercare, a reminder that it
    moves to aftercare rather than closing — support never stops by itself.

    Keyed by case and the day of coming of age (a new age finding reminds again). Returns how
    many were raised.
    """
    moment = at or timezone.now()
    cases = (
        Case.objects.exclude(state=CaseState.CLOSED)
        .select_related("child", "owning_agency", "assigned_caseworker")
        .order_by("pk")
    )
    raised = 0
    for case in cases.iterator():
        of_age = coming_of_age(child=case.child, at=moment)
        if of_age is None:
            continue
        starts = _start_of(of_age, case.owning_agency)
        if moment < months_after(starts, -settings.HAVEN_TRANSITION_PLAN_MONTHS):
            continue
        if not TransitionPlan.objects.filter(case=case).exists():
            detail = _("%(case)s: the young person comes of age on %(day)s — prepare the transition plan") % {
                "case": case.reference, "day": f"{of_age:%Y-%m-%d}",
            }  # fmt: skip
            alert = _to_caseworker(kind=AlertKind.TRANSITION_PLAN_DUE, case=case,
                                   key=f"transition-plan:{case.pk}:{of_age:%Y%m%d}", detail=detail, at=moment,
                                   due_at=starts)  # fmt: skip
            raised += alert is not None
        if moment >= starts and case.state != CaseState.AFTERCARE:
            detail = _("%(case)s: the young person came of age on %(day)s — support continues; the case moves to "
                       "aftercare rather than closing") % {"case": case.reference, "day": f"{of_age:%Y-%m-%d}"}  # fmt: skip
            alert = _to_caseworker(kind=AlertKind.TRANSITION_PLAN_DUE, case=case,
                                   key=f"came-of-age:{case.pk}:{of_age:%Y%m%d}", detail=detail, at=moment,
                                   due_at=starts + timedelta(days=30))  # fmt: skip
            raised += alert is not None
    return raised
