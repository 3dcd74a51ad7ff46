"""Every write of best interests (R7), and the periodic check that raises its alerts.

A BIA is drafted and completed by case staff once the guardian's opinion is on file (R1).
A BID is drafted, filled (panel, undertakings, options, reasons, risk basis), then decided
in one step that lists everything still missing at once; a panel's is approved by a
supervisor who did not sit on it. Decided, it is never edited: the services refuse with
BID_REQUIRED.ALREADY_DECIDED and the database refuses too (migration 0002). The caseworker or
the guardian asks for a review when circumstances change; its new determination supersedes
the old one once decided.

Alerts carry the case reference at most. Nothing here touches urgent protection.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise, alerts_done
from apps.bestinterests import rules, selectors
from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    ConfidentialityUndertaking,
    DeterminationKind,
    Discipline,
    OptionWeighed,
    PanelMember,
    SolutionKind,
)
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState
from apps.cases.services import facts_reliance_record
from apps.core import dates as core_dates
from apps.core.rules import Violations, refuse
from apps.guardianship.models import DecisionKind
from apps.guardianship.rules import guardian_opinion_recorded, guardian_present

BIA_ACTION = _("a best-interests assessment")
BID_ACTION = _("a best-interests determination")


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency", "assigned_caseworker").get(pk=case.pk)


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _to_supervisors(
    *, kind: str, case: Case, key: str, detail: str, at: datetime, due_at: datetime | None = None
) -> int:
    alert = alert_raise(
        kind=kind, agency=case.owning_agency, role=Role.SUPERVISOR, case=case, key=key, detail=detail, due_at=due_at,
        at=at,
    )  # fmt: skip
    return int(alert is not None)


def _to_caseworker(
    *, kind: str, case: Case, key: str, detail: str, at: datetime, due_at: datetime | None = None
) -> int:
    """To the assigned caseworker by name; to the agency's caseworkers when none is assigned."""
    if case.assigned_caseworker_id is not None:
        alert = alert_raise(kind=kind, agency=case.owning_agency, user=case.assigned_caseworker, case=case, key=key,
                            detail=detail, due_at=due_at, at=at)  # fmt: skip
    else:
        alert = alert_raise(kind=kind, agency=case.owning_agency, role=Role.CASEWORKER, case=case, key=key,
                            detail=detail, due_at=due_at, at=at)  # fmt: skip
    return int(alert is not None)


def _close_alerts(*, kind: str, case: Case, actor: User, at: datetime, outcome: str, key: str | None = None) -> None:
    """Alerts answered by what was just recorded are done (whoever they were addressed to)."""
    answered = Alert.objects.filter(kind=kind, case=case)
    if key is not None:
        answered = answered.filter(key=key)
    alerts_done(answered, actor=actor, outcome=outcome, at=at)


# --- Best-interests assessments -------------------------------------------------------------
def bia_due_at(case: Case) -> datetime:
    return case.identified_at + timedelta(days=settings.HAVEN_BIA_TARGET_DAYS)


@transaction.atomic
def bia_start(*, actor: User, case: Case, at: datetime | None = None) -> BestInterestsAssessment:
    """Start the case's BIA, or the review of its latest completed one (a new BIA that
    `reviews` it). One draft at a time: a second start is refused."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    if BestInterestsAssessment.objects.filter(case=case, completed_at__isnull=True).exists():
        raise ValidationError(_("A best-interests assessment of this case is already being drafted: continue it."))
    previous = selectors.latest_completed_assessment(case=case, at=moment)
    try:
        with transaction.atomic():
            return BestInterestsAssessment.objects.create(
                case=case, reviews=previous, started_at=moment, started_by=actor
            )
    except IntegrityError as exc:  # a concurrent start won
        raise ValidationError(_("A best-interests assessment of this case is already being drafted.")) from exc


def _locked_draft_assessment(assessment: BestInterestsAssessment) -> BestInterestsAssessment:
    locked = BestInterestsAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.completed_at is not None:
        raise ValidationError(_("A completed best-interests assessment is never edited: start its review instead."))
    return locked


@transaction.atomic
def bia_update(
    *, actor: User, assessment: BestInterestsAssessment, sections: Mapping[str, str]
) -> BestInterestsAssessment:
    """Write sections of a draft BIA (needs, safety, family, health, education, the child's
    views); each is sealed. A section not given is left as it is; an empty one is cleared."""
    case = _load(assessment.case)
    require(actor, Action.WORK, case)
    locked = _locked_draft_assessment(assessment)
    unknown = set(sections) - set(BIA_SECTIONS)
    if unknown:
        raise ValidationError(_("Unknown sections: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, text in sections.items():
        setattr(locked, name, _seal(case, BestInterestsAssessment, name, text))
    locked.save(update_fields=list(sections))
    return locked


@transaction.atomic
def bia_complete(
    *, actor: User, assessment: BestInterestsAssessment, at: datetime | None = None
) -> BestInterestsAssessment:
    """Complete a BIA. Refuses, every violation at once: GUARDIAN_REQUIRED (no active
    representative or guardian for a child who needs one), GUARDIAN_OPINION_REQUIRED (their
    opinion on this BIA, decision "bia"), BID_REQUIRED.BIA_INCOMPLETE (sections still empty).
    Its review falls due HAVEN_BIA_REVIEW_DAYS later; BIA alerts of the case are done."""
    case = _load(assessment.case)
    require(actor, Action.WORK, case)
    locked = _locked_draft_assessment(assessment)
    moment = at or timezone.now()
    found = Violations()
    guardian_present(found, case=case, action=BIA_ACTION, at=moment)
    guardian_opinion_recorded(
        found,
        case=case,
        decision=DecisionKind.BEST_INTERESTS_ASSESSMENT,
        subject=str(locked.pk),
        action=BIA_ACTION,
        at=moment,
    )
    rules.bia_complete(found, filled={name for name in BIA_SECTIONS if getattr(locked, name) is not None})
    found.raise_if_any()
    locked.completed_at, locked.completed_by = moment, actor
    locked.review_due_at = moment + timedelta(days=settings.HAVEN_BIA_REVIEW_DAYS)
    locked.save(update_fields=["completed_at", "completed_by", "review_due_at"])
    done = _("Best-interests assessment completed.")
    for kind in (AlertKind.BIA_DUE, AlertKind.BIA_REVIEW_DUE):
        _close_alerts(kind=kind, case=case, actor=actor, at=moment, outcome=done)
    return locked


# --- Best-interests determinations: drafting --------------------------------------------------
def _locked_draft(determination: BestInterestsDetermination) -> BestInterestsDetermination:
    """The draft, locked; a decided determination is never edited (ALREADY_DECIDED)."""
    locked = BestInterestsDetermination.objects.select_for_update().get(pk=determination.pk)
    if locked.decided_at is not None:
        raise refuse("BID_REQUIRED.ALREADY_DECIDED")
    return locked


@transaction.atomic
def determination_start(
    *,
    actor: User,
    case: Case,
    kind: str = DeterminationKind.PANEL,
    review: BestInterestsReview | None = None,
    at: datetime | None = None,
) -> BestInterestsDetermination:
    """Start a determination: the case's first, or the one that answers a review (and will
    supersede the determination under review). While a decided one stands, a new one is
    only ever a review's (BID_REQUIRED.ALREADY_DECIDED otherwise)."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    if kind not in DeterminationKind.values:
        raise ValidationError({"kind": _("A determination is a panel's or a court's or authority's.")})
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    if selectors.draft_determination(case=case) is not None:
        raise ValidationError(_("A best-interests determination of this case is already being drafted: continue it."))
    standing = selectors.latest_decided_determination(case=case, at=moment)
    if review is None:
        if standing is not None:
            raise refuse("BID_REQUIRED.ALREADY_DECIDED")
        supersedes = None
    else:
        review = BestInterestsReview.objects.get(pk=review.pk)
        if review.case_id != case.pk:
            raise ValidationError({"review": _("That review is of another case.")})
        if BestInterestsDetermination.objects.filter(review=review).exists():
            raise ValidationError({"review": _("That review already has its determination.")})
        supersedes = review.determination
    return BestInterestsDetermination.objects.create(
        case=case, kind=kind, supersedes=supersedes, review=review, created_by=actor, created_at=moment
    )


_UNSET = object()


@transaction.atomic
def determination_update(
    *,
    actor: User,
    determination: BestInterestsDetermination,
    recommendation: str | None = None,
    reasons: str | None = None,
    authority_name: str | None = None,
    authority_reference: str | None = None,
    authority_decided_on: Any = _UNSET,
    risk_assessment: Any = _UNSET,
    no_risk_assessment_reason: str | None = None,
    child_objects: bool | None = None,
    objection_reasons: str | None = None,
) -> BestInterestsDetermination:
    """Fill in a draft determination; what is not given stays as it is. Text is sealed.
    A decided determination is refused with BID_REQUIRED.ALREADY_DECIDED."""
    from apps.family.models import RiskSecurityAssessment

    case = _load(determination.case)
    require(actor, Action.WORK, case)
    locked = _locked_draft(determination)
    changed: list[str] = []
    if recommendation is not None:
        if recommendation and recommendation not in SolutionKind.values:
            raise ValidationError({"recommendation": _("Unknown durable solution.")})
        locked.recommendation = recommendation
        changed.append("recommendation")
    for name, text in (
        ("reasons", reasons),
        ("no_risk_assessment_reason", no_risk_assessment_reason),
        ("objection_reasons", objection_reasons),
    ):
        if text is not None:
            setattr(locked, name, _seal(case, BestInterestsDetermination, name, text))
            changed.append(name)
    for name, plain in (("authority_name", authority_name), ("authority_reference", authority_reference)):
        if plain is not None:
            setattr(locked, name, plain.strip())
            changed.append(name)
    if authority_decided_on is not _UNSET:
        core_dates.refuse_implausible(
            authority_decided_on, core_dates.CASE_EVENT, field=_lazy("date of the authority's decision")
        )
        locked.authority_decided_on = authority_decided_on
        changed.append("authority_decided_on")
    if risk_assessment is not _UNSET:
        if risk_assessment is not None and (
            not isinstance(risk_assessment, RiskSecurityAssessment) or risk_assessment.case_id != case.pk
        ):
            raise ValidationError({"risk_assessment": _("Link a risk and security assessment of this case.")})
        locked.risk_assessment = risk_assessment
        changed.append("risk_assessment")
    if child_objects is not None:
        locked.child_objects = child_objects
        changed.append("child_objects")
    if changed:
        locked.save(update_fields=changed)
    return locked


@transaction.atomic
def panel_member_add(
    *, actor: User, determination: BestInterestsDetermination, member: User, discipline: str, at: datetime | None = None
) -> PanelMember:
    """Seat someone on a draft determination's panel, with their discipline. They see the
    determination only once their confidentiality undertaking is on file."""
    require(actor, Action.WORK, _load(determination.case))
    locked = _locked_draft(determination)
    if discipline not in Discipline.values:
        raise ValidationError({"discipline": _("Unknown discipline.")})
    try:
        with transaction.atomic():
            return PanelMember.objects.create(
                determination=locked, member=member, discipline=discipline, added_by=actor,
                added_at=at or timezone.now(),
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError({"member": _("This person already sits on the panel.")}) from exc


@transaction.atomic
def panel_member_remove(*, actor: User, seat: PanelMember) -> None:
    """Take someone off a draft determination's panel (never off a decided one's)."""
    require(actor, Action.WORK, _load(seat.determination.case))
    _locked_draft(seat.determination)
    PanelMember.objects.filter(pk=seat.pk).delete()


@transaction.atomic
def undertaking_sign(
    *,
    actor: User,
    determination: BestInterestsDetermination,
    member: User | None = None,
    signed_at: datetime | None = None,
    at: datetime | None = None,
) -> ConfidentialityUndertaking:
    """A panel member's confidentiality undertaking: signed by the member themself, or recorded
    by the case's staff from a signed paper. Only for someone seated on the panel."""
    case = _load(determination.case)
    member = member or actor
    if member.pk == actor.pk and PanelMember.objects.filter(determination=determination, member=actor).exists():
        pass  # the member signs for themself, before they may see anything of the case
    else:
        require(actor, Action.WORK, case)
    locked = _locked_draft(determination)
    if not PanelMember.objects.filter(determination=locked, member=member).exists():
        raise ValidationError({"member": _("Only a member of the panel signs its confidentiality undertaking.")})
    moment = at or timezone.now()
    core_dates.refuse_implausible(signed_at, core_dates.CASE_EVENT, field=_lazy("date of signature"), at=moment)
    try:
        with transaction.atomic():
            return ConfidentialityUndertaking.objects.create(
                determination=locked, member=member, signed_at=signed_at or moment, recorded_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError({"member": _("This member's undertaking is already on file.")}) from exc


@transaction.atomic
def option_weigh(
    *,
    actor: User,
    determination: BestInterestsDetermination,
    solution: str,
    reasons_for: str,
    reasons_against: str,
    at: datetime | None = None,
) -> OptionWeighed:
    """Record one option weighed with its reasons for and against (sealed); weighing the same
    solution again replaces what the draft said of it."""
    case = _load(determination.case)
    require(actor, Action.WORK, case)
    locked = _locked_draft(determination)
    if solution not in SolutionKind.values:
        raise ValidationError({"solution": _("Unknown durable solution.")})
    option, _created = OptionWeighed.objects.get_or_create(
        determination=locked, solution=solution, defaults={"recorded_by": actor, "recorded_at": at or timezone.now()}
    )
    option.reasons_for = _seal(case, OptionWeighed, "reasons_for", reasons_for)
    option.reasons_against = _seal(case, OptionWeighed, "reasons_against", reasons_against)
    option.recorded_by, option.recorded_at = actor, at or timezone.now()
    option.save()
    return option


@transaction.atomic
def option_remove(*, actor: User, option: OptionWeighed) -> None:
    require(actor, Action.WORK, _load(option.determination.case))
    _locked_draft(option.determination)
    OptionWeighed.objects.filter(pk=option.pk).delete()


# --- Deciding, approving, telling the child ---------------------------------------------------
def _child_objects(case: Case, determination: BestInterestsDetermination, at: datetime) -> bool:
    """Recorded on the draft, or said by the child in their views on this determination."""
    from apps.voice.selectors import latest_child_views

    views = latest_child_views(case=case, decision="bid", subject=str(determination.pk), at=at)
    return determination.child_objects or bool(views is not None and views.objects)


@transaction.atomic
def determination_decide(
    *,
    actor: User,
    determination: BestInterestsDetermination,
    review_due_at: datetime | None = None,
    at: datetime | None = None,
) -> BestInterestsDetermination:
    """Decide a determination once everything R7 asks for is on file, or refuse listing all
    that is missing: GUARDIAN_REQUIRED, GUARDIAN_OPINION_REQUIRED (decision "bid"),
    CHILD_VIEWS_REQUIRED (decision "bid"), and BID_REQUIRED's .PANEL_TOO_SMALL,
    .NO_CONFIDENTIALITY_UNDERTAKING (a panel's) or .NO_AUTHORITY_DECISION (a court's),
    .NO_RECOMMENDATION, .NO_OPTIONS_WEIGHED, .OPTION_WITHOUT_REASONS,
    .RECOMMENDATION_NOT_WEIGHED, .NO_TRACING_OUTCOME, .NO_RISK_ASSESSMENT, .NO_REASONS and
    .OBJECTION_NOT_ADDRESSED (the child objects and nothing says why it is still in their best
    interests). The family-tracing outcome is cited as it stands. A panel's goes to the
    supervisors for approval (BID_APPROVAL); a court's is in force at once. Its review falls
    due HAVEN_BID_REVIEW_DAYS later unless a date is given."""
    from apps.family.selectors import tracing_outcome
    from apps.voice.rules import child_views_recorded

    case = _load(determination.case)
    require(actor, Action.WORK, case)
    locked = _locked_draft(determination)
    moment = at or timezone.now()
    tracing = tracing_outcome(case=case, at=moment)
    child_objects = _child_objects(case, locked, moment)
    found = Violations()
    guardian_present(found, case=case, action=BID_ACTION, at=moment)
    guardian_opinion_recorded(
        found,
        case=case,
        decision=DecisionKind.BEST_INTERESTS_DETERMINATION,
        subject=str(locked.pk),
        action=BID_ACTION,
        at=moment,
    )
    child_views_recorded(found, case=case, decision="bid", at=moment, subject=str(locked.pk))
    rules.determination_content(
        found, determination=locked, recommendation=locked.recommendation, has_reasons=locked.reasons is not None,
        tracing_done=tracing.done,
        has_risk_basis=locked.risk_assessment_id is not None or locked.no_risk_assessment_reason is not None,
        child_objects=child_objects, objection_addressed=locked.objection_reasons is not None,
    )  # fmt: skip
    found.raise_if_any()
    core_dates.refuse_implausible(review_due_at, core_dates.PLANNED, field=_lazy("review date"), at=moment)
    due = review_due_at or moment + timedelta(days=settings.HAVEN_BID_REVIEW_DAYS)
    if due <= moment:
        raise ValidationError({"review_due_at": _("The review date must come after the decision.")})
    locked.tracing_summary = _seal(case, BestInterestsDetermination, "tracing_summary", tracing.summary)
    locked.child_objects = child_objects
    locked.decided_at, locked.decided_by, locked.review_due_at = moment, actor, due
    locked.save(update_fields=["tracing_summary", "child_objects", "decided_at", "decided_by", "review_due_at"])
    facts_reliance_record(actor=actor, case=case, decision=locked, at=moment)  # the gating facts it relied on
    if locked.kind == DeterminationKind.PANEL:
        detail = _("%(case)s: a best-interests determination awaits approval") % {"case": case.reference}
        _to_supervisors(
            kind=AlertKind.BID_APPROVAL, case=case, key=f"bid-approval:{locked.pk}", detail=detail, at=moment
        )
    else:
        _answer_review(locked, actor=actor, at=moment)
    return locked


def _answer_review(determination: BestInterestsDetermination, *, actor: User, at: datetime) -> None:
    """A determination in force answers the review it was made for."""
    if determination.review_id is not None:
        _close_alerts(kind=AlertKind.BID_REVIEW_REQUESTED, case=determination.case,
                      key=f"bid-review-request:{determination.review_id}", actor=actor, at=at,
                      outcome=_("A new determination was made."))  # fmt: skip
    if determination.supersedes_id is not None:
        _close_alerts(kind=AlertKind.BID_REVIEW_DUE, case=determination.case,
                      key=f"bid-review:{determination.supersedes_id}", actor=actor, at=at,
                      outcome=_("A new determination was made."))  # fmt: skip


@transaction.atomic
def determination_approve(
    *, actor: User, determination: BestInterestsDetermination, at: datetime | None = None
) -> BestInterestsDetermination:
    """A supervisor of the owning agency approves a panel's decided determination: never one
    who sat on its panel (BID_REQUIRED.APPROVER_ON_PANEL). From then on it is in force."""
    case = _load(determination.case)
    try:
        require(actor, Action.SUPERVISE, case)
    except PermissionDenied:
        raise PermissionDenied(_("Only a supervisor of the agency approves a best-interests determination.")) from None
    locked = BestInterestsDetermination.objects.select_for_update().get(pk=determination.pk)
    if locked.decided_at is None:
        raise ValidationError(_("The determination is not decided yet."))
    if locked.kind != DeterminationKind.PANEL:
        raise ValidationError(_("A court's or authority's decision needs no approval."))
    if locked.approved_at is not None:
        raise refuse("BID_REQUIRED.ALREADY_DECIDED")
    found = Violations()
    rules.approver_not_on_panel(found, determination=locked, approver_id=actor.pk)
    found.raise_if_any()
    moment = at or timezone.now()
    locked.approved_at, locked.approved_by = moment, actor
    locked.save(update_fields=["approved_at", "approved_by"])
    _close_alerts(kind=AlertKind.BID_APPROVAL, case=case, key=f"bid-approval:{locked.pk}", actor=actor,
                  at=moment, outcome=_("Approved."))  # fmt: skip
    _answer_review(locked, actor=actor, at=moment)
    return locked


@transaction.atomic
def determination_child_told(
    *,
    actor: User,
    determination: BestInterestsDetermination,
    how: str,
    review_explained: bool,
    told_at: datetime | None = None,
    at: datetime | None = None,
) -> BestInterestsDetermination:
    """Record that the child was told the outcome, how, and how to seek a review — by case
    staff or the guardian, once the determination is in force. Not explaining how to seek a
    review is refused (BID_REQUIRED.REVIEW_NOT_EXPLAINED); it is recorded once."""
    case = _load(determination.case)
    moment = at or timezone.now()
    require(actor, Action.WORK_OR_GUARD, case)
    locked = BestInterestsDetermination.objects.select_for_update().get(pk=determination.pk)
    if locked.decided_at is None or (locked.kind == DeterminationKind.PANEL and locked.approved_at is None):
        raise ValidationError(_("The child is told once the determination is decided and approved."))
    if locked.child_told_at is not None:
        raise refuse("BID_REQUIRED.ALREADY_DECIDED")
    found = Violations()
    found.check(review_explained and bool(how.strip()), "BID_REQUIRED.REVIEW_NOT_EXPLAINED")
    found.raise_if_any()
    told = told_at or moment
    core_dates.refuse_implausible(told, core_dates.CASE_EVENT, field=_lazy("date the child was told"), at=moment)
    if told < locked.decided_at:
        raise ValidationError({"told_at": _("The child cannot be told before the decision.")})
    locked.child_told_at, locked.child_told_by = told, actor
    locked.child_told_how = _seal(case, BestInterestsDetermination, "child_told_how", how)
    locked.save(update_fields=["child_told_at", "child_told_by", "child_told_how"])
    return locked


# --- Reviews ------------------------------------------------------------------------------------
@transaction.atomic
def determination_review_request(
    *, actor: User, determination: BestInterestsDetermination, reason: str, at: datetime | None = None
) -> BestInterestsReview:
    """The caseworker or the guardian asks for a review after a change of circumstances: the
    supervisors are alerted (BID_REVIEW_REQUESTED). The determination itself never changes;
    the review's new determination supersedes it once decided."""
    case = _load(determination.case)
    moment = at or timezone.now()
    require(actor, Action.WORK_OR_GUARD, case)
    locked = BestInterestsDetermination.objects.select_for_update().get(pk=determination.pk)
    if locked.decided_at is None:
        raise ValidationError(_("A draft is still open to change: only a decided determination is reviewed."))
    if BestInterestsDetermination.objects.filter(supersedes=locked, decided_at__isnull=False).exists():
        raise ValidationError(_("This determination was already superseded."))
    if selectors.open_review(determination=locked) is not None:
        raise ValidationError(_("A review of this determination is already open."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what changed.")})
    review = BestInterestsReview(case=case, determination=locked, requested_by=actor, requested_at=moment)
    review.reason = _seal(case, BestInterestsReview, "reason", reason)
    review.save()
    detail = _("%(case)s: a review of the best-interests determination is requested") % {"case": case.reference}
    _to_supervisors(kind=AlertKind.BID_REVIEW_REQUESTED, case=case, key=f"bid-review-request:{review.pk}",
                    detail=detail, at=moment)  # fmt: skip
    return review


# --- Periodic ------------------------------------------------------------------------------------
def best_interests_reviews_alert(*, at: datetime | None = None) -> int:
    """Periodic: to the caseworker, once each (keyed),
    - BIA_DUE for an open case with no completed BIA once HAVEN_BIA_TARGET_DAYS have passed
      since identification;
    - BIA_REVIEW_DUE when the latest completed BIA's review date has passed and no review is
      completed;
    - BID_REVIEW_DUE when the determination in force has reached its review date and no
      review of it is open.
    Returns how many alerts were raised; a second run at the same time raises none."""
    moment = at or timezone.now()
    raised = 0
    open_cases = Case.objects.exclude(state=CaseState.CLOSED).select_related("owning_agency", "assigned_caseworker")
    completed = BestInterestsAssessment.objects.filter(case=OuterRef("pk"), completed_at__lte=moment)
    target = timedelta(days=settings.HAVEN_BIA_TARGET_DAYS)
    for case in open_cases.filter(~Exists(completed), identified_at__lte=moment - target).order_by("pk").iterator():
        detail = _("%(case)s: the best-interests assessment is due") % {"case": case.reference}
        raised += _to_caseworker(kind=AlertKind.BIA_DUE, case=case, key=f"bia-due:{case.pk}", detail=detail,
                                 at=moment, due_at=bia_due_at(case))  # fmt: skip
    later = BestInterestsAssessment.objects.filter(
        case=OuterRef("case"), completed_at__lte=moment, completed_at__gt=OuterRef("completed_at")
    )
    stale = (
        BestInterestsAssessment.objects.filter(completed_at__lte=moment, review_due_at__lte=moment)
        .exclude(Exists(later))
        .exclude(case__state=CaseState.CLOSED)
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )
    for bia in stale.iterator():
        detail = _("%(case)s: the best-interests assessment is due for review") % {"case": bia.case.reference}
        raised += _to_caseworker(kind=AlertKind.BIA_REVIEW_DUE, case=bia.case, key=f"bia-review:{bia.pk}",
                                 detail=detail, at=moment, due_at=bia.review_due_at)  # fmt: skip
    superseded = BestInterestsDetermination.objects.filter(supersedes=OuterRef("pk"), decided_at__lte=moment)
    reviewing = BestInterestsReview.objects.filter(determination=OuterRef("pk"))
    due = (
        BestInterestsDetermination.objects.filter(decided_at__lte=moment, review_due_at__lte=moment)
        .filter(Q(kind=DeterminationKind.AUTHORITY) | Q(approved_at__lte=moment))
        .exclude(Exists(superseded))
        .exclude(Exists(reviewing))
        .exclude(case__state=CaseState.CLOSED)
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )
    for bid in due.iterator():
        detail = _("%(case)s: the best-interests determination is due for review") % {"case": bid.case.reference}
        raised += _to_caseworker(kind=AlertKind.BID_REVIEW_DUE, case=bid.case, key=f"bid-review:{bid.pk}",
                                 detail=detail, at=moment, due_at=bid.review_due_at)  # fmt: skip
    return raised
