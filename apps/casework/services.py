"""Every write of notes, the care plan and case conferences, and the care-plan review check.

Notes, goals, actions, reviews and conferences are written by the caseworkers and
supervisors of the owning agency who may act on the case; the child's active guardian asks
for a conference (CASE_CONFERENCE_REQUESTED to the supervisors). A case the actor may not
see is a 404; one they see in another role, a 403. Free text is sealed with the child's key.
Alerts carry the case reference only.
"""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case
from apps.cases.selectors import case_may_act
from apps.casework.models import (
    ACCESS_ORDER,
    CarePlanAction,
    CarePlanGoal,
    CarePlanReview,
    CaseConference,
    CaseNote,
    ConferenceDecision,
    ConferenceRequest,
    GoalArea,
    GoalStatus,
    NoteAccess,
    OutsideParticipant,
    Responsible,
)
from apps.casework.selectors import may_read_level, note_list
from apps.core import dates as core_dates
from apps.guardianship.selectors import active_appointment

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _required(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()


# --- Notes --------------------------------------------------------------------------------------
@transaction.atomic
def note_write(
    *,
    actor: User,
    case: Case,
    access: str,
    body: str,
    not_investigative: bool,
    supersedes: CaseNote | None = None,
    at: datetime | None = None,
) -> CaseNote:
    """Add a note at an access level its writer reads; the body is sealed.

    Never an investigative account: the writer declares it (as documents declare they hold
    no image of abuse). Notes are never changed: a correction is a new note that supersedes
    one the writer can read, of the same case, not superseded yet, at the same or a stricter
    level (a correction never opens a note up).
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    if not not_investigative:
        raise ValidationError({"not_investigative": _(
            "A note is never an investigative account: that belongs with the police. Confirm this note is not one."
        )})  # fmt: skip
    if access not in NoteAccess.values:
        raise ValidationError({"access": _("Say who may read the note.")})
    if not may_read_level(actor=actor, case=case, access=access):
        raise ValidationError({"access": _("You could not read a note at this level yourself.")})
    body = _required(body, "body", _("Write the note."))
    if supersedes is not None:
        corrected = note_list(actor=actor).filter(pk=supersedes.pk).first()
        if corrected is None or corrected.case_id != case.pk:
            raise ValidationError({"supersedes": _("Correct a note of this case that you can read.")})
        if CaseNote.objects.filter(supersedes=corrected).exists():
            raise ValidationError({"supersedes": _("This note was already corrected: correct the correction.")})
        if ACCESS_ORDER.index(NoteAccess(access)) < ACCESS_ORDER.index(NoteAccess(corrected.access)):
            raise ValidationError({"access": _("A correction is read by no more people than the note it corrects.")})
    note = CaseNote(
        case=case, access=access, not_investigative=True, supersedes=supersedes, written_by=actor,
        written_at=at or timezone.now(),
    )  # fmt: skip
    note.body = _seal(case, CaseNote, "body", body)
    note.save()
    return note


# --- Who does it --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Who:
    """Who does an action or carries out a decision."""

    responsible: str
    person: User | None = None
    agency: Agency | None = None

    def checked(self) -> "Who":
        if self.responsible not in Responsible.values:
            raise ValidationError({"responsible": _("Say who does it.")})
        if self.responsible == Responsible.PERSON and self.person is None:
            raise ValidationError({"responsible_person": _("Name the person.")})
        if self.responsible == Responsible.AGENCY and self.agency is None:
            raise ValidationError({"responsible_agency": _("Name the agency.")})
        # Only what the choice says is kept: a person chosen and then "the child" names no one.
        return Who(
            self.responsible,
            self.person if self.responsible == Responsible.PERSON else None,
            self.agency if self.responsible == Responsible.AGENCY else None,
        )


# --- The care plan ------------------------------------------------------------------------------
@transaction.atomic
def care_plan_goal_set(*, actor: User, case: Case, area: str, text: str, at: datetime | None = None) -> CarePlanGoal:
    """Add a goal to the child's care plan, in one of the areas; its text is sealed."""
    case = _load(case)
    require(actor, Action.WORK, case)
    if area not in GoalArea.values:
        raise ValidationError({"area": _("Choose the goal's area.")})
    goal = CarePlanGoal(case=case, area=area, recorded_by=actor, recorded_at=at or timezone.now())
    goal.text = _seal(case, CarePlanGoal, "text", _required(text, "text", _("Write the goal.")))
    goal.save()
    return goal


@transaction.atomic
def care_plan_goal_status_set(
    *, actor: User, goal: CarePlanGoal, status: str, at: datetime | None = None
) -> CarePlanGoal:
    locked = CarePlanGoal.objects.select_for_update().get(pk=goal.pk)
    require(actor, Action.WORK, _load(locked.case))
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == locked.status:
        return locked
    CarePlanGoal.objects.filter(pk=locked.pk).update(
        status=status, status_changed_at=at or timezone.now(), status_changed_by=actor
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def care_plan_action_add(
    *,
    actor: User,
    case: Case,
    text: str,
    who: Who,
    due_on: date,
    goal: CarePlanGoal | None = None,
    at: datetime | None = None,
) -> CarePlanAction:
    """Who does what by when (a person, an agency, the child or the guardian); the text is sealed."""
    case = _load(case)
    require(actor, Action.WORK, case)
    who = who.checked()
    if goal is not None and goal.case_id != case.pk:
        raise ValidationError({"goal": _("The goal belongs to another case.")})
    core_dates.refuse_implausible(due_on, core_dates.PLANNED, field=_lazy("date the action is due"), at=at)
    action = CarePlanAction(
        case=case, goal=goal, responsible=who.responsible, responsible_person=who.person,
        responsible_agency=who.agency, due_on=due_on, recorded_by=actor, recorded_at=at or timezone.now(),
    )  # fmt: skip
    action.text = _seal(case, CarePlanAction, "text", _required(text, "text", _("Say what is to be done.")))
    action.save()
    return action


@transaction.atomic
def care_plan_action_done(*, actor: User, action: CarePlanAction, at: datetime | None = None) -> CarePlanAction:
    locked = CarePlanAction.objects.select_for_update().get(pk=action.pk)
    require(actor, Action.WORK, _load(locked.case))
    if locked.done_at is not None:
        raise ValidationError(_("This action is already done."))
    CarePlanAction.objects.filter(pk=locked.pk).update(done_at=at or timezone.now(), done_by=actor)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def care_plan_review_schedule(*, actor: User, case: Case, due_on: date, at: datetime | None = None) -> CarePlanReview:
    """Set a date by which the care plan is reviewed; CARE_PLAN_REVIEW_DUE once it passes unheld."""
    case = _load(case)
    require(actor, Action.WORK, case)
    core_dates.refuse_implausible(due_on, core_dates.PLANNED, field=_lazy("date the review is due"), at=at)
    return CarePlanReview.objects.create(
        case=case, due_on=due_on, scheduled_by=actor, scheduled_at=at or timezone.now()
    )


@transaction.atomic
def care_plan_review_record(
    *, actor: User, review: CarePlanReview, outcome: str, held_at: datetime | None = None, at: datetime | None = None
) -> CarePlanReview:
    """Record that the review was held and what it found (sealed); its alert is done."""
    moment = at or timezone.now()
    locked = CarePlanReview.objects.select_for_update().get(pk=review.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    if locked.held_at is not None:
        raise ValidationError(_("This review is already recorded."))
    outcome = _required(outcome, "outcome", _("Say what the review found."))
    core_dates.refuse_implausible(held_at, core_dates.CASE_EVENT, field=_lazy("date the review was held"), at=moment)
    CarePlanReview.objects.filter(pk=locked.pk).update(
        held_at=held_at or moment, held_by=actor, outcome=_seal(case, CarePlanReview, "outcome", outcome)
    )
    alerts_done(
        Alert.objects.filter(kind=AlertKind.CARE_PLAN_REVIEW_DUE, key=f"care-plan-review:{locked.pk}"),
        actor=actor, outcome=_("Review held."), at=moment,
    )  # fmt: skip
    locked.refresh_from_db()
    return locked


def care_plan_reviews_alert(*, at: datetime | None = None) -> int:
    """Periodic: CARE_PLAN_REVIEW_DUE to the case's caseworker (the supervisors when it has
    none) for each review not held once its date has passed in the agency's zone.

    Keyed per review: running twice alerts once. Returns how many were raised.
    """
    moment = at or timezone.now()
    # Every zone is within a day of UTC: narrow in SQL, decide per agency below.
    candidates = (
        CarePlanReview.objects.filter(held_at__isnull=True, due_on__lt=moment.date() + timedelta(days=1))
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )
    raised = 0
    for review in candidates.iterator():
        case = review.case
        if moment.astimezone(zoneinfo.ZoneInfo(case.owning_agency.time_zone)).date() <= review.due_on:
            continue
        detail = _("%(case)s: the care plan review was due on %(due)s") % {
            "case": case.reference,
            "due": review.due_on.isoformat(),
        }
        worker = case.assigned_caseworker
        alert = alert_raise(
            kind=AlertKind.CARE_PLAN_REVIEW_DUE, agency=case.owning_agency, user=worker,
            role="" if worker is not None else Role.SUPERVISOR, case=case, key=f"care-plan-review:{review.pk}",
            detail=detail, at=moment,
        )  # fmt: skip
        raised += alert is not None
    return raised


# --- Case conferences ---------------------------------------------------------------------------
@transaction.atomic
def conference_request(*, actor: User, case: Case, reason: str, at: datetime | None = None) -> ConferenceRequest:
    """The child's active guardian asks for a case conference; CASE_CONFERENCE_REQUESTED goes
    to the supervisors of the owning agency. The reason is sealed."""
    case = _load(case)
    moment = at or timezone.now()
    appointment = active_appointment(case=case, at=moment)
    if appointment is None or appointment.guardian_id != actor.pk:
        if case_may_act(actor=actor, case=case):
            raise PermissionDenied(_("The child's guardian asks for a conference; staff simply hold one."))
        raise Http404
    request = ConferenceRequest(case=case, requested_by=actor, requested_at=moment)
    request.reason = _seal(case, ConferenceRequest, "reason", _required(reason, "reason", _("Say why.")))
    request.save()
    alert_raise(
        kind=AlertKind.CASE_CONFERENCE_REQUESTED, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
        key=f"conference-request:{request.pk}",
        detail=_("%(case)s: the guardian asks for a case conference") % {"case": case.reference}, at=moment,
    )  # fmt: skip
    return request


@dataclass(frozen=True)
class DecisionInput:
    text: str
    who: Who
    due_on: date


def _decision_add(conference: CaseConference, case: Case, decision: DecisionInput) -> ConferenceDecision:
    who = decision.who.checked()
    record = ConferenceDecision(
        conference=conference, responsible=who.responsible, responsible_person=who.person,
        responsible_agency=who.agency, due_on=decision.due_on,
    )  # fmt: skip
    record.text = _seal(case, ConferenceDecision, "text", _required(decision.text, "text", _("Write the decision.")))
    record.save()
    return record


@transaction.atomic
def conference_record(
    *,
    actor: User,
    case: Case,
    held_at: datetime,
    participants: Iterable[User] = (),
    outside_participants: Sequence[tuple[str, str]] = (),
    agencies: Iterable[Agency] = (),
    summary: str = "",
    decisions: Sequence[DecisionInput] = (),
    request: ConferenceRequest | None = None,
    at: datetime | None = None,
) -> CaseConference:
    """Record a case conference: when, who took part (users, and outside participants with
    their agency), the agencies represented, and its decisions, each with who and by when.
    Answering a guardian's request closes its alert."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    core_dates.refuse_implausible_dates(
        [(held_at, core_dates.CASE_EVENT, _lazy("date the conference was held"))]
        + [(d.due_on, core_dates.PLANNED, _lazy("date a decision is due")) for d in decisions],
        at=moment,
    )
    people, outside = list(participants), [(n.strip(), a.strip()) for n, a in outside_participants]
    if not people and not outside:
        raise ValidationError({"participants": _("Name who took part.")})
    if any(not name or not agency for name, agency in outside):
        raise ValidationError({"outside_participants": _("Give each outside participant's name and agency.")})
    if request is not None:
        if request.case_id != case.pk:
            raise ValidationError({"request": _("That request is for another case.")})
        if CaseConference.objects.filter(request=request).exists():
            raise ValidationError({"request": _("That request was already answered by a conference.")})
    conference = CaseConference(case=case, held_at=held_at, request=request, recorded_by=actor, recorded_at=moment)
    conference.summary = _seal(case, CaseConference, "summary", summary)
    conference.save()
    conference.participants.set(people)
    conference.agencies.set(list(agencies))
    OutsideParticipant.objects.bulk_create(
        OutsideParticipant(conference=conference, name=name, agency_name=agency) for name, agency in outside
    )
    for decision in decisions:
        _decision_add(conference, case, decision)
    if request is not None:
        alerts_done(
            Alert.objects.filter(kind=AlertKind.CASE_CONFERENCE_REQUESTED, key=f"conference-request:{request.pk}"),
            actor=actor, outcome=_("Conference held."), at=moment,
        )  # fmt: skip
    return conference


@transaction.atomic
def conference_decision_add(*, actor: User, conference: CaseConference, decision: DecisionInput) -> ConferenceDecision:
    """Add a decision of a conference already recorded."""
    case = _load(conference.case)
    require(actor, Action.WORK, case)
    return _decision_add(conference, case, decision)
