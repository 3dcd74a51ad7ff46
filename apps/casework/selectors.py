"""Reads of notes, the care plan and conferences, scoped at the query; and the case timeline.

Notes by access level:
- ordinary: everyone who sees the case (its guardian included);
- team: caseworkers of the owning agency in the case's team, and the agency's supervisors;
- supervisors: the agency's supervisors.
A restricted note outside the actor's level does not exist for them: not in a list, a
count, a page or the timeline.
"""

from datetime import datetime
from typing import Any

from django.db.models import Case as Case_
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Membership, Role, User
from apps.alerts.models import Alert
from apps.audit.models import Channel
from apps.audit.services import record_access_log
from apps.cases.access import Action, cases_for
from apps.cases.models import Case, CaseState
from apps.cases.reading import SealedReader, visible_records
from apps.cases.selectors import case_list, case_visibility
from apps.casework.models import (
    CarePlanAction,
    CarePlanGoal,
    CarePlanReview,
    CaseConference,
    CaseNote,
    ConferenceRequest,
    NoteAccess,
)
from apps.casework.timeline import TimelineContext, TimelineEntry, timeline_sources


def _visible_case_ids(actor: User, at: datetime | None = None) -> QuerySet[Case, Any]:
    return Case.objects.filter(case_visibility(actor=actor, at=at)).values("pk")


def note_visibility(*, actor: User, at: datetime | None = None) -> Q:
    moment = at or timezone.now()
    memberships = Membership.objects.active(at=moment).filter(user=actor)
    supervises = memberships.filter(role=Role.SUPERVISOR, agency=OuterRef("case__owning_agency"))
    # A NULL team matches no membership: a case without a team has no team level but its supervisors.
    in_team = memberships.filter(
        role=Role.CASEWORKER, agency=OuterRef("case__owning_agency"), team=OuterRef("case__team")
    )
    level = (
        Q(access=NoteAccess.ORDINARY)
        | (Q(access=NoteAccess.TEAM) & (Q(Exists(supervises)) | Q(Exists(in_team))))
        | (Q(access=NoteAccess.SUPERVISORS) & Q(Exists(supervises)))
    )
    return Q(case__in=_visible_case_ids(actor, moment)) & level


def note_list(*, actor: User, at: datetime | None = None) -> QuerySet[CaseNote]:
    return (
        CaseNote.objects.filter(note_visibility(actor=actor, at=at))
        .select_related("case", "case__child", "written_by", "supersedes")
        .order_by("-written_at", "-pk")
    )


def note_get(*, actor: User, note_id: int) -> CaseNote:
    note = note_list(actor=actor).filter(pk=note_id).first()
    if note is None:
        raise Http404
    return note


def may_read_level(*, actor: User, case: Case, access: str, at: datetime | None = None) -> bool:
    """Whether the actor reads notes of this level on this case (given they see the case)."""
    if access == NoteAccess.ORDINARY:
        return True
    memberships = Membership.objects.active(at=at or timezone.now()).filter(user=actor, agency=case.owning_agency_id)
    supervises = memberships.filter(role=Role.SUPERVISOR).exists()
    if access == NoteAccess.SUPERVISORS:
        return supervises
    return supervises or (
        case.team_id is not None and memberships.filter(role=Role.CASEWORKER, team_id=case.team_id).exists()
    )


def _of_visible_cases(queryset: QuerySet, actor: User) -> QuerySet:  # type: ignore[type-arg]
    # The holders see every record; a partner those of the sections its referral shares.
    return visible_records(queryset, actor=actor)


def goal_list(*, actor: User) -> QuerySet[CarePlanGoal]:
    return _of_visible_cases(CarePlanGoal.objects.select_related("case", "case__child", "recorded_by"), actor)


def action_list(*, actor: User) -> QuerySet[CarePlanAction]:
    return _of_visible_cases(
        CarePlanAction.objects.select_related(
            "case", "case__child", "goal", "responsible_person", "responsible_agency", "done_by"
        ),
        actor,
    )


def review_list(*, actor: User) -> QuerySet[CarePlanReview]:
    return _of_visible_cases(CarePlanReview.objects.select_related("case", "case__child", "held_by"), actor)


def conference_list(*, actor: User) -> QuerySet[CaseConference]:
    return _of_visible_cases(CaseConference.objects.select_related("case", "case__child", "recorded_by"), actor)


def conference_request_list(*, actor: User) -> QuerySet[ConferenceRequest]:
    return _of_visible_cases(
        ConferenceRequest.objects.select_related("case", "case__child", "requested_by", "conference"), actor
    )


def case_timeline(
    *, actor: User, case: Case, channel: str = Channel.WEB, at: datetime | None = None
) -> list[TimelineEntry]:
    """Everything that happened on a case that the actor may see, oldest first.

    Merges the sources every app registered (`apps.casework.timeline`); each reads through
    its own scoped selectors. A case the actor may not see is a 404 (the attempt logged); a
    read is logged, since the timeline opens sealed values.
    """
    moment = at or timezone.now()
    visible = case_list(actor=actor).filter(pk=case.pk).first()
    if visible is None:
        record_access_log(actor=actor, case=Case.objects.filter(pk=case.pk).first(), action="timeline",
                          channel=channel, allowed=False)  # fmt: skip
        raise Http404
    reader = SealedReader(actor=actor, channel=channel, action="timeline")
    reader.note(visible)  # the page is a read of the case even when no sealed value is shown
    context = TimelineContext(actor=actor, case=visible, at=moment, reader=reader)
    entries: list[TimelineEntry] = []
    for source in timeline_sources():
        entries.extend(source(context))
    return sorted(entries, key=lambda entry: entry.at)


# --- The caseload: "my work" -----------------------------------------------------------------
class CaseloadScope(TextChoices):
    """Whose cases a caseload lists: the actor's own, her teams', or (a supervisor) her agencies'."""

    MINE = "mine", _("Mine")
    TEAM = "team", _("My team's")
    AGENCY = "agency", _("My agency's")


# The orders a caseload is sorted in, by name: the next deadline first by default.
_RISK_RANK = Case_(
    *[When(risk_level=level, then=Value(rank)) for rank, level in enumerate(reversed(Case.RiskLevel.values))],
    default=Value(9),
    output_field=IntegerField(),
)
CASELOAD_ORDERS: dict[str, tuple[Any, ...]] = {
    "next_due": (F("next_due").asc(nulls_last=True), "reference"),
    "risk": ("risk_rank", F("next_due").asc(nulls_last=True), "reference"),
    "identified": ("-identified_at", "reference"),
    "reference": ("reference",),
}


def caseload_scopes(*, actor: User, at: datetime | None = None) -> list[CaseloadScope]:
    """The caseloads the actor has: her own and her teams' as a caseworker, the agency's as a supervisor."""
    moment = at or timezone.now()
    roles = Membership.objects.active(at=moment).filter(user=actor)
    scopes = []
    if roles.filter(role=Role.CASEWORKER).exists():
        scopes.append(CaseloadScope.MINE)
        if roles.filter(role=Role.CASEWORKER, team__isnull=False).exists():
            scopes.append(CaseloadScope.TEAM)
    if roles.filter(role=Role.SUPERVISOR).exists():
        scopes.append(CaseloadScope.AGENCY)
    return scopes


def caseload(
    *,
    actor: User,
    scope: CaseloadScope,
    states: list[str] | None = None,
    risk: str = "",
    order: str = "next_due",
    at: datetime | None = None,
) -> QuerySet[Case]:
    """The cases of the actor's caseload, open ones unless `states` says otherwise, each with its
    next deadline (`next_due`: the earliest open alert of the holding agency about it) and its
    open alerts (`open_alerts`), in `order` (CASELOAD_ORDERS). Only cases the actor works on."""
    moment = at or timezone.now()
    mine = Membership.objects.active(at=moment).filter(user=actor)
    if scope == CaseloadScope.MINE:
        chosen = Q(assigned_caseworker=actor)
    elif scope == CaseloadScope.TEAM:
        chosen = Q(team__in=mine.filter(role=Role.CASEWORKER, team__isnull=False).values("team"))
    else:
        chosen = Q(owning_agency__in=mine.filter(role=Role.SUPERVISOR).values("agency"))
    open_alerts = Alert.objects.filter(case=OuterRef("pk"), agency=OuterRef("owning_agency"), done_at__isnull=True)
    cases = (
        cases_for(actor, Action.WORK, at=moment)
        .filter(chosen)
        .select_related("child", "owning_agency", "team", "assigned_caseworker")
        .annotate(
            next_due=Subquery(open_alerts.exclude(due_at=None).order_by("due_at").values("due_at")[:1]),
            open_alerts=Coalesce(
                Subquery(open_alerts.order_by().values("case").annotate(n=Count("pk")).values("n")[:1]), Value(0)
            ),
            risk_rank=_RISK_RANK,
        )
    )
    cases = cases.filter(state__in=states) if states else cases.exclude(state=CaseState.CLOSED)
    if risk:
        cases = cases.filter(risk_level=risk)
    return cases.order_by(*CASELOAD_ORDERS.get(order, CASELOAD_ORDERS["next_due"]))
