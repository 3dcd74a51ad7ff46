"""The casework app's own timeline events: workflow moves, notes, the care plan, conferences."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.cases.models import CaseState, CaseTransition
from apps.casework import selectors
from apps.casework.models import (
    CarePlanAction,
    CarePlanGoal,
    CarePlanReview,
    CaseConference,
    CaseNote,
    ConferenceRequest,
    NoteAccess,
)
from apps.casework.timeline import TimelineContext, TimelineEntry, person, timeline_source


@timeline_source
def workflow_moves(context: TimelineContext) -> Iterator[TimelineEntry]:
    # The caller checked the case is visible: its history goes with it.
    for move in CaseTransition.objects.filter(case=context.case).select_related("actor").order_by("at", "pk"):
        title = (
            _("Registered")
            if move.name == "register"
            else _("Moved from %(from)s to %(to)s")
            % {"from": CaseState(move.from_state).label, "to": CaseState(move.to_state).label}
        )
        detail = context.opened(CaseTransition, "reason", move.reason)
        if move.waiver_reason is not None:
            detail += f" — {_('waived')}: {context.opened(CaseTransition, 'waiver_reason', move.waiver_reason)}"
        yield TimelineEntry(at=move.at, kind="transition", title=title, detail=detail, by=person(move.actor))


@timeline_source
def notes(context: TimelineContext) -> Iterator[TimelineEntry]:
    visible = selectors.note_list(actor=context.actor, at=context.at).filter(case=context.case)
    corrected = set(visible.filter(superseded_by__isnull=False).values_list("pk", flat=True))
    for note in visible.order_by("written_at", "pk"):
        title = (
            _("Note") if note.supersedes_id is None else _("Note correcting note %(id)s") % {"id": note.supersedes_id}
        )
        if note.pk in corrected:
            title = _("%(title)s (corrected later)") % {"title": title}
        yield TimelineEntry(
            at=note.written_at, kind="note", title=title, detail=context.opened(CaseNote, "body", note.body),
            by=person(note.written_by),
            restricted="" if note.access == NoteAccess.ORDINARY else str(NoteAccess(note.access).label),
        )  # fmt: skip


@timeline_source
def care_plan(context: TimelineContext) -> Iterator[TimelineEntry]:
    goals = CarePlanGoal.objects.filter(case=context.case).select_related("recorded_by", "status_changed_by")
    for goal in goals:
        text = context.opened(CarePlanGoal, "text", goal.text)
        yield TimelineEntry(at=goal.recorded_at, kind="care_plan", by=person(goal.recorded_by), detail=text,
                            title=_("Care plan goal set (%(area)s)") % {"area": goal.get_area_display()})  # fmt: skip
        if goal.status_changed_at is not None:
            yield TimelineEntry(at=goal.status_changed_at, kind="care_plan", by=person(goal.status_changed_by),
                                detail=text, title=_("Care plan goal now: %(status)s")
                                % {"status": goal.get_status_display()})  # fmt: skip
    actions = CarePlanAction.objects.filter(case=context.case).select_related(
        "recorded_by", "done_by", "responsible_person", "responsible_agency"
    )
    for action in actions:
        text = context.opened(CarePlanAction, "text", action.text)
        who = person(action.responsible_person) or str(action.responsible_agency or action.get_responsible_display())
        yield TimelineEntry(at=action.recorded_at, kind="care_plan", by=person(action.recorded_by), detail=text,
                            title=_("Care plan action: %(who)s, by %(due)s") % {"who": who, "due": action.due_on})  # fmt: skip
        if action.done_at is not None:
            yield TimelineEntry(at=action.done_at, kind="care_plan", by=person(action.done_by), detail=text,
                                title=_("Care plan action done"))  # fmt: skip
    for review in CarePlanReview.objects.filter(case=context.case).select_related("scheduled_by", "held_by"):
        yield TimelineEntry(at=review.scheduled_at, kind="care_plan", by=person(review.scheduled_by),
                            title=_("Care plan review set for %(due)s") % {"due": review.due_on})  # fmt: skip
        if review.held_at is not None:
            yield TimelineEntry(at=review.held_at, kind="care_plan", by=person(review.held_by),
                                title=_("Care plan reviewed"),
                                detail=context.opened(CarePlanReview, "outcome", review.outcome))  # fmt: skip


@timeline_source
def conferences(context: TimelineContext) -> Iterator[TimelineEntry]:
    for request in ConferenceRequest.objects.filter(case=context.case).select_related("requested_by"):
        yield TimelineEntry(at=request.requested_at, kind="conference", by=person(request.requested_by),
                            title=_("Case conference requested by the guardian"),
                            detail=context.opened(ConferenceRequest, "reason", request.reason))  # fmt: skip
    held = (
        CaseConference.objects.filter(case=context.case)
        .select_related("recorded_by")
        .prefetch_related("participants", "agencies", "outside_participants", "decisions")
    )
    for conference in held:
        people = [str(p) for p in conference.participants.all()]
        people += [str(p) for p in conference.outside_participants.all()]
        decisions = [context.opened(type(d), "text", d.text) for d in conference.decisions.all()]
        detail = "; ".join(
            part
            for part in (
                _("with %(people)s") % {"people": ", ".join(people)} if people else "",
                ", ".join(str(a) for a in conference.agencies.all()),
                context.opened(CaseConference, "summary", conference.summary),
                _("%(n)s decisions: %(list)s") % {"n": len(decisions), "list": " / ".join(decisions)}
                if decisions
                else "",
            )
            if part
        )
        yield TimelineEntry(at=conference.held_at, kind="conference", title=_("Case conference held"), detail=detail,
                            by=person(conference.recorded_by))  # fmt: skip
