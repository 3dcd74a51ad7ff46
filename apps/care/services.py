"""Every write of the care app (R3), and the periodic checks that raise its alerts.

The first rule holds here: urgent protection is never blocked. An emergency placement, a
safety move, medical care, a missing-child report, an urgent referral for protection and
halting a removal go through whatever else is missing — a guardian, a justification, a
best-interests decision, a settled age — and need only their reason. Each is recorded as an
`UrgentAction` and reviewed afterwards: by a supervisor within HAVEN_URGENT_REVIEW_HOURS and
by the guardian once one is appointed. NEVER_DETAIN is the one rule urgency does not pass.

Alerts carry the case reference at most, never the child's data. Keyed alerts are raised
once, however often a service or a periodic check asks (the database decides).
"""

import re
import uuid
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_close, alert_raise, alerts_done
from apps.care import rules
from apps.care.models import (
    PLACEMENT_URGENCIES,
    Charge,
    ChargeKind,
    ChildTie,
    HeldEvent,
    HeldPlace,
    MissingReport,
    Placement,
    TieKind,
    UrgentAction,
    UrgentActionKind,
)
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case
from apps.cases.selectors import agency_roles
from apps.cases.services import case_details_update
from apps.core import dates as core_dates
from apps.core.rules import Violation, Violations
from apps.guardianship.selectors import active_appointment, active_appointments
from apps.solutions.models import DurableSolution
from apps.voice.models import ViewsDecision
from apps.voice.rules import child_views_recorded

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
# A placement's columns sealed with the child's key: set by the service, not validated as text.
SEALED_PLACEMENT = ("address", "justification", "urgent_reason", "separation_decision", "end_reason")
ALERT_DETAIL_MAX = Alert._meta.get_field("detail").max_length or 300


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _lock(case: Case) -> None:
    """Writers of one case's placements and risk meet here one after the other: two placements
    at once cannot both find no current placement, and a second report waits for the first."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _plausible(when: datetime | None, kind: core_dates.Kind, label: Promise, moment: datetime) -> None:
    """A moment a rule reads, within its kind's bounds (apps/core/dates.py)."""
    core_dates.refuse_implausible(when, kind, field=label, at=moment)


def _required(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _to_supervisors(
    *, kind: str, case: Case, key: str, detail: str, at: datetime, due_at: datetime | None = None
) -> Alert | None:
    return alert_raise(
        kind=kind, agency=case.owning_agency, role=Role.SUPERVISOR, case=case, key=key, detail=detail, due_at=due_at,
        at=at,
    )  # fmt: skip


def _to_guardian(
    *, kind: str, case: Case, key: str, detail: str, at: datetime, due_at: datetime | None = None
) -> Alert | None:
    """To the child's active representative or guardian, by name, in their own authority."""
    appointment = active_appointment(case=case, at=at)
    if appointment is None:
        return None
    guardian = appointment.guardian
    # Their authority names where the alert belongs; it reaches the guardian by name anyway.
    membership = (
        Membership.objects.filter(user=guardian, role=Role.GUARDIAN, ended_at__isnull=True)
        .select_related("agency")
        .order_by("started_at")
        .first()
    )
    return alert_raise(
        kind=kind, agency=membership.agency if membership else case.owning_agency, user=guardian, case=case,
        key=f"{key}:guardian:{guardian.pk}", detail=detail, due_at=due_at, at=at,
    )  # fmt: skip


def _to_legal_aid(*, kind: str, case: Case, key: str, detail: str, at: datetime) -> int:
    """To every active legal-aid agency in the owning agency's country, for its partner staff.

    No setting to keep up to date: the agencies operators already register decide, and a new
    one is included at once. Where Haven knows none, the supervisors are told to arrange
    legal aid themselves, so the child is never left without.
    """
    agencies = list(
        Agency.objects.filter(kind=AgencyKind.LEGAL_AID, is_active=True, country=case.owning_agency.country)
    )
    if not agencies:
        alone = _("%(detail)s — no legal-aid agency in Haven for %(country)s: arrange legal aid directly.") % {
            "detail": detail,
            "country": case.owning_agency.country,
        }
        return int(_to_supervisors(kind=kind, case=case, key=f"{key}:no-legal-aid", detail=alone, at=at) is not None)
    raised = 0
    for agency in agencies:
        alert = alert_raise(kind=kind, agency=agency, role=Role.PARTNER_STAFF, case=case, key=key, detail=detail, at=at)
        raised += alert is not None
    return raised


def _close_own_alerts(*, actor: User, kind: str, key: str, outcome: str, at: datetime) -> None:
    for alert in Alert.objects.filter(kind=kind, key=key, done_at__isnull=True):
        alert_close(actor=actor, alert=alert, outcome=outcome, at=at)


# --- Urgent protective actions -------------------------------------------------------------
def urgent_action_flags(action: UrgentAction) -> list[str]:
    """What the reviewers of an urgent placement check besides the placement itself: the
    placements it ended or cancelled (a plan it overrode), and a move across a border, which
    R4's gate did not hold back because the move was urgent."""
    if action.placement_id is None:
        return []
    placement = Placement.objects.select_related("case__owning_agency").get(pk=action.placement_id)
    flags = []
    for previous in placement.superseded.order_by("starts_at", "pk"):
        what = _("cancelled") if previous.cancelled_at is not None else _("ended")
        flags.append(
            _("%(what)s: %(kind)s from %(date)s")
            % {"what": what, "kind": previous.get_kind_display(), "date": f"{previous.starts_at:%Y-%m-%d %H:%M}"}
        )
    if placement.country != placement.case.owning_agency.country:
        flags.append(
            _("across the border to %(country)s, without R4's gate: review the move") % {"country": placement.country}
        )
    return flags


def _urgent_review_alerts(action: UrgentAction, at: datetime) -> int:
    """The supervisor's review, due within HAVEN_URGENT_REVIEW_HOURS, and the guardian's, once
    there is one; each raised once (keyed), however often this runs."""
    case = action.case
    detail = " — ".join([f"{case.reference}: {action.get_kind_display()}", *urgent_action_flags(action)])
    if len(detail) > ALERT_DETAIL_MAX:
        detail = detail[: ALERT_DETAIL_MAX - 1] + "…"
    raised = 0
    if action.supervisor_reviewed_at is None:
        alert = _to_supervisors(
            kind=AlertKind.URGENT_ACTION_REVIEW, case=case, key=f"urgent:{action.pk}", detail=detail, at=at,
            due_at=action.review_due_at,
        )  # fmt: skip
        raised += alert is not None
    if action.guardian_reviewed_at is None:
        alert = _to_guardian(
            kind=AlertKind.URGENT_ACTION_GUARDIAN_REVIEW, case=case, key=f"urgent:{action.pk}", detail=detail, at=at
        )
        raised += alert is not None
    return raised


def _urgent_action_create(
    *,
    actor: User,
    case: Case,
    kind: str,
    reason: str,
    taken_at: datetime,
    at: datetime,
    placement: Placement | None = None,
) -> UrgentAction:
    action = UrgentAction.objects.create(
        case=case, kind=kind, reason=_seal(case, UrgentAction, "reason", reason), taken_by=actor, taken_at=taken_at,
        placement=placement,
        review_due_at=taken_at + timedelta(hours=settings.HAVEN_URGENT_REVIEW_HOURS), recorded_at=at,
    )  # fmt: skip
    _urgent_review_alerts(action, at)
    return action


@transaction.atomic
def urgent_action_record(
    *, actor: User, case: Case, kind: str, reason: str, taken_at: datetime | None = None, at: datetime | None = None
) -> UrgentAction:
    """Record urgent medical care, an urgent referral for protection, or halting a removal.

    No rule refuses it: it needs only its reason. A supervisor reviews it within
    HAVEN_URGENT_REVIEW_HOURS, and the guardian once one is active (alerted now, or by the
    periodic check when appointed later). Emergency placements and safety moves are
    recorded with `placement_record(urgent=True)`, missing children with `missing_report`.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    if kind in PLACEMENT_URGENCIES:
        raise ValidationError({"kind": _("Record the placement itself, as urgent.")})
    if kind == UrgentActionKind.MISSING_REPORT:
        raise ValidationError({"kind": _("Report the child missing with the missing-from-care report.")})
    if kind not in UrgentActionKind.values:
        raise ValidationError({"kind": _("Unknown urgent action.")})
    reason = _required(reason, "reason", _("Record why the action is urgent."))
    moment = at or timezone.now()
    # Its review falls due from when it was taken: a mistyped year would hide it from review.
    _plausible(taken_at, core_dates.CASE_EVENT, _lazy("time the action was taken"), moment)
    return _urgent_action_create(
        actor=actor, case=case, kind=kind, reason=reason, taken_at=taken_at or moment, at=moment
    )


@transaction.atomic
def urgent_action_review(*, actor: User, action: UrgentAction, review: str, at: datetime | None = None) -> UrgentAction:
    """Record the review of an urgent action by the child's active guardian, or by a supervisor
    of the owning agency other than the person who took it; closes the alert they were sent."""
    moment = at or timezone.now()
    locked = UrgentAction.objects.select_for_update().get(pk=action.pk)
    case = _load(locked.case)
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    review = _required(review, "review", _("Write the review."))
    # The review is sealed on the action; the alert it answers says only that it was done.
    appointment = active_appointment(case=case, at=moment)
    if appointment is not None and appointment.guardian_id == actor.pk:
        if locked.guardian_reviewed_at is not None:
            raise ValidationError(_("The guardian has already reviewed this action."))
        UrgentAction.objects.filter(pk=locked.pk).update(
            guardian_review=_seal(case, UrgentAction, "guardian_review", review),
            guardian_reviewed_by=actor,
            guardian_reviewed_at=moment,
        )
        _close_own_alerts(actor=actor, kind=AlertKind.URGENT_ACTION_GUARDIAN_REVIEW,
                          key=f"urgent:{locked.pk}:guardian:{actor.pk}", outcome=_("Reviewed."), at=moment)  # fmt: skip
    elif Role.SUPERVISOR in agency_roles(actor=actor, agency_id=case.owning_agency_id):
        if locked.supervisor_reviewed_at is not None:
            raise ValidationError(_("A supervisor has already reviewed this action."))
        if locked.taken_by_id == actor.pk:
            raise PermissionDenied(_("An urgent action is reviewed by a supervisor other than the one who took it."))
        UrgentAction.objects.filter(pk=locked.pk).update(
            supervisor_review=_seal(case, UrgentAction, "supervisor_review", review),
            supervisor_reviewed_by=actor,
            supervisor_reviewed_at=moment,
        )
        _close_own_alerts(actor=actor, kind=AlertKind.URGENT_ACTION_REVIEW, key=f"urgent:{locked.pk}",
                          outcome=_("Reviewed."), at=moment)  # fmt: skip
    else:
        raise PermissionDenied(_("Only the child's guardian or a supervisor of the agency reviews an urgent action."))
    locked.refresh_from_db()
    return locked


def urgent_action_reviews_alert(*, at: datetime | None = None) -> int:
    """Periodic: every urgent action still to review has its supervisor's alert, and its
    guardian's as soon as a guardian is active (appointed after the action, say).

    Keyed alerts: running twice alerts once. Returns how many were raised.
    """
    moment = at or timezone.now()
    # Only actions with something left to raise: a supervisor's alert not raised yet, or a
    # guardian active now who has not reviewed (their alert is keyed, so raised once).
    supervisor_alerted = Alert.objects.filter(
        kind=AlertKind.URGENT_ACTION_REVIEW, key=Concat(Value("urgent:"), Cast(OuterRef("pk"), CharField()))
    )
    guardian_now = active_appointments(at=moment).filter(case=OuterRef("case"))
    pending = (
        UrgentAction.objects.filter(taken_at__lte=moment)
        .filter(
            (Q(supervisor_reviewed_at__isnull=True) & ~Exists(supervisor_alerted))
            | (Q(guardian_reviewed_at__isnull=True) & Exists(guardian_now))
        )
        .select_related("case__owning_agency")
        .order_by("pk")
    )
    return sum(_urgent_review_alerts(action, moment) for action in pending.iterator())


# --- Placements ----------------------------------------------------------------------------
def _check_together_with(together_with: Placement, *, kind: str, provider: Agency | None, starts: datetime) -> None:
    current = together_with.starts_at <= starts and (together_with.ends_at is None or together_with.ends_at > starts)
    if not current:
        raise ValidationError({"together_with": _("That placement is not current when this one starts.")})
    if together_with.kind != kind or together_with.provider_id != (provider.pk if provider else None):
        raise ValidationError(
            {"together_with": _("Children placed together share the placement's kind and care provider.")}
        )


def _current_placement(*, case: Case, at: datetime) -> Placement | None:
    return (
        Placement.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at), case=case, starts_at__lte=at)
        .order_by("-starts_at")
        .first()
    )


# What pages say of a placement that ended because the next one started. It keeps no end
# reason of its own (none is sealed): that is how cancelling the next one finds it, to give it
# back what the cancelled one would have had.
PLACEMENT_CHANGED = gettext_noop("Placement changed.")


def _end_overlapping_placements(*, actor: User, case: Case, starts: datetime) -> None:
    """A change of placement: whatever placement is current when the new one starts ends then.

    A placement that starts later (planned) is refused here: it is cancelled first, or an
    urgent placement supersedes it (`_supersede_placements`)."""
    overlapping = Placement.objects.select_for_update().filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=starts), case=case
    )
    for previous in overlapping:
        if previous.starts_at > starts:
            raise ValidationError(
                {"starts_at": _("Another placement of this child starts later (%(date)s): cancel it first.")
                 % {"date": f"{previous.starts_at:%Y-%m-%d %H:%M}"}}
            )  # fmt: skip
        Placement.objects.filter(pk=previous.pk).update(ends_at=starts, end_reason=None, ended_by=actor)


def _supersede_placements(*, actor: User, case: Case, starts: datetime, reason: str, moment: datetime) -> list[int]:
    """Urgent protection goes before any plan: the placement current when the urgent one
    starts ends then, and any placement starting later — planned for next week, or recorded
    meanwhile — is cancelled (it never takes effect). Each is marked as superseded by the
    urgent placement once it exists, and its reviewers see them with it. Returns their ids."""
    overlapping = Placement.objects.select_for_update().filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=starts), case=case
    )
    superseded = []
    for previous in overlapping.order_by("starts_at", "pk"):
        if previous.starts_at > starts:
            note = _("Cancelled by an urgent placement: %(reason)s") % {"reason": reason}
            Placement.objects.filter(pk=previous.pk).update(
                ends_at=previous.starts_at,
                end_reason=_seal(case, Placement, "end_reason", note),
                ended_by=actor,
                cancelled_at=moment,
            )
        else:
            note = _("Ended by an urgent placement: %(reason)s") % {"reason": reason}
            Placement.objects.filter(pk=previous.pk).update(
                ends_at=starts, end_reason=_seal(case, Placement, "end_reason", note), ended_by=actor
            )
        superseded.append(previous.pk)
    return superseded


def _placement_country(*, case: Case, provider: Agency | None, country: str) -> str:
    """Where the child will live: as given, else the care provider's country, else the owning
    agency's. A provider is where it is: a placement with it is in its country."""
    given = country.strip().upper()
    if given and not re.fullmatch(r"[A-Z]{2}", given):
        raise ValidationError({"country": _("Give the country's two-letter ISO 3166 code.")})
    if provider is not None and given and given != provider.country:
        raise ValidationError({"country": _("The care provider is in %(country)s.") % {"country": provider.country}})
    return given or (provider.country if provider is not None else case.owning_agency.country)


@transaction.atomic
def placement_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    starts_at: datetime | None = None,
    provider: Agency | None = None,
    country: str = "",
    solution: DurableSolution | None = None,
    address: str = "",
    justification: str = "",
    urgent: bool = False,
    urgent_reason: str = "",
    urgent_kind: str = UrgentActionKind.EMERGENCY_PLACEMENT,
    together_with: Placement | None = None,
    separation_decision: str = "",
    at: datetime | None = None,
) -> Placement:
    """Place the child; a placement current at the new start ends then (a change of placement).

    Refuses, every violation at once:
    - NEVER_DETAIN for detention under any name (a kind that is not a placement type but
      reads like custody) or "placement" with a police, immigration or prosecution agency —
      urgent or not; any other unknown kind is a ValidationError;
    - PLACEMENT_JUSTIFICATION_REQUIRED for a shelter or institution without a justification;
    - PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED / .MOTHER_AND_BABY_SEPARATED when a
      tied child's current home is another household and no best-interests decision is
      referenced (`together_with` names the tied child's placement to share its household);
    - CHILD_VIEWS_REQUIRED for a change of placement (the case has a current placement) without
      the child's views on the change recorded since the current placement started;
    - R4's whole gate for a placement in another country than the owning agency's (`country`,
      or the provider's): `solution` names the decided durable solution for that country, and
      every condition of its gate must still hold (RETURN_REQUIRES_*, RETURN_BLOCKED_*,
      GUARDIAN_REQUIRED; RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION without one).
    A placement that starts later than this one is refused (cancel it first with
    `placement_end`).

    An urgent placement (`urgent_kind`: an emergency placement, or a safety move because the
    trafficker found the child) goes through all but NEVER_DETAIN — needs no guardian, no
    settled age, no open case, no decision across a border — with its reason; it is recorded
    as an UrgentAction and reviewed. It supersedes any other placement: the current one ends
    when it starts and a planned one is cancelled, each marked `superseded_by` it and named to
    its reviewers, as is a move across a border. What is typed (the address, the justification,
    the urgent reason, the decision to live apart) is sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    _lock(case)
    moment = at or timezone.now()
    starts = starts_at or moment
    _plausible(starts, core_dates.PLANNED, _lazy("start of the placement"), moment)
    found = Violations()
    # Checked before urgency, and never bypassed by it: detention is never protection, so no
    # emergency makes custody a placement. A child who *is* held is recorded with
    # held_record, which is always allowed and raises the alerts that get them out.
    rules.never_detained(found, kind=kind, provider=provider)
    found.raise_if_any()
    where = _placement_country(case=case, provider=provider, country=country)
    if together_with is not None:
        _check_together_with(together_with, kind=kind, provider=provider, starts=starts)
    household = together_with.household if together_with is not None else uuid.uuid4()
    if urgent:
        urgent_reason = _required(urgent_reason, "urgent_reason", _("Record why the placement is urgent."))
        if urgent_kind not in PLACEMENT_URGENCIES:
            raise ValidationError({"urgent_kind": _("An urgent placement is an emergency placement or a safety move.")})
    else:
        rules.placement_justified(found, kind=kind, justification=justification)
        rules.tied_children_together(
            found, child_id=case.child_id, household=household, at=starts, separation_decision=separation_decision
        )
        # R6: a change of placement (not the first one) hears the child on the move first.
        current = _current_placement(case=case, at=starts)
        if current is not None:
            child_views_recorded(
                found, case=case, decision=ViewsDecision.PLACEMENT_CHANGE, at=moment, since=current.starts_at
            )
        if where != case.owning_agency.country:
            rules.across_border_allowed(found, case=case, country=where, solution=solution, at=moment)
        found.raise_if_any()
    superseded: list[int] = []
    if urgent:
        superseded = _supersede_placements(actor=actor, case=case, starts=starts, reason=urgent_reason, moment=moment)
    else:
        _end_overlapping_placements(actor=actor, case=case, starts=starts)
    placement = Placement(
        case=case, kind=kind, provider=provider, country=where, urgent=urgent, household=household, starts_at=starts,
        recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    placement.address = _seal(case, Placement, "address", address)
    placement.justification = _seal(case, Placement, "justification", justification)
    placement.urgent_reason = _seal(case, Placement, "urgent_reason", urgent_reason if urgent else "")
    placement.separation_decision = _seal(case, Placement, "separation_decision", separation_decision)
    placement.full_clean(exclude=["case", "provider", "recorded_by", "ended_by", "superseded_by", *SEALED_PLACEMENT])
    placement.save()
    if superseded:
        Placement.objects.filter(pk__in=superseded).update(superseded_by=placement)
    if urgent:
        _urgent_action_create(actor=actor, case=case, kind=urgent_kind, reason=urgent_reason, taken_at=starts,
                              at=moment, placement=placement)  # fmt: skip
    return placement


@transaction.atomic
def placement_end(
    *, actor: User, placement: Placement, reason: str, ends_at: datetime | None = None, at: datetime | None = None
) -> Placement:
    """End a placement (the child leaves it) with the reason why.

    A planned placement that has not started yet is cancelled instead, whatever `ends_at`
    says: it never takes effect (it ends as it starts and records when it was cancelled), and
    the placement that was to end when it started goes on as it would have without it."""
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    _lock(case)
    reason = _required(reason, "end_reason", _("Say why the placement ends."))
    moment = at or timezone.now()
    ends = ends_at or moment
    _plausible(ends, core_dates.PLANNED, _lazy("end of the placement"), moment)
    if locked.cancelled_at is not None:
        raise ValidationError(_("This placement was cancelled."))
    if locked.ends_at is not None and locked.ends_at <= moment:
        raise ValidationError(_("This placement has already ended."))
    if locked.starts_at > moment:
        _cancel_planned(actor=actor, planned=locked, reason=_seal(case, Placement, "end_reason", reason), moment=moment)
    elif locked.ends_at is not None:
        raise ValidationError(_("This placement already ends on %(date)s.") % {"date": f"{locked.ends_at:%Y-%m-%d}"})
    elif ends < locked.starts_at:
        raise ValidationError({"ends_at": _("A placement cannot end before it starts.")})
    else:
        Placement.objects.filter(pk=locked.pk).update(
            ends_at=ends, end_reason=_seal(case, Placement, "end_reason", reason), ended_by=actor
        )
    locked.refresh_from_db()
    return locked


def _cancel_planned(*, actor: User, planned: Placement, reason: bytes | None, moment: datetime) -> None:
    """`reason` is sealed already; the placement before takes the cancelled one's sealed end as it is
    (the same column of the same child's placements: its seal opens there too)."""
    before = (
        Placement.objects.select_for_update()
        .filter(case_id=planned.case_id, ends_at=planned.starts_at, end_reason__isnull=True, cancelled_at=None)
        .exclude(pk=planned.pk)
        .first()
    )
    Placement.objects.filter(pk=planned.pk).update(
        ends_at=planned.starts_at, end_reason=reason, ended_by=actor, cancelled_at=moment
    )
    if before is not None:
        # The child stays where they are: that placement takes the cancelled one's own end.
        Placement.objects.filter(pk=before.pk).update(
            ends_at=planned.ends_at, end_reason=planned.end_reason, ended_by=planned.ended_by
        )


@transaction.atomic
def child_tie_record(*, actor: User, case: Case, other_case: Case, kind: str, at: datetime | None = None) -> ChildTie:
    """Record that two children are siblings, or a young mother (`case`) and her baby
    (`other_case`): from then on they are placed together unless a best-interests decision
    says otherwise. The actor must be able to act on both cases."""
    case, other_case = _load(case), _load(other_case)
    require(actor, Action.WORK, case)
    require(actor, Action.WORK, other_case)
    if kind not in TieKind.values:
        raise ValidationError({"kind": _("Unknown tie.")})
    if case.child_id == other_case.child_id:
        raise ValidationError({"other_case": _("Both cases are of the same child.")})
    child_id, tied_to_id = case.child_id, other_case.child_id
    if kind == TieKind.SIBLINGS:
        child_id, tied_to_id = sorted((child_id, tied_to_id))
    already = _("These children's tie is already recorded.")
    try:
        with transaction.atomic():
            return ChildTie.objects.create(
                child_id=child_id, tied_to_id=tied_to_id, kind=kind, recorded_by=actor, recorded_at=at or timezone.now()
            )
    except IntegrityError as exc:
        raise ValidationError(already) from exc


# --- Held -----------------------------------------------------------------------------------
@transaction.atomic
def held_record(
    *,
    actor: User,
    case: Case,
    since: datetime | None = None,
    place_kind: str = HeldPlace.OTHER,
    where: str = "",
    held_by_agency: Agency | None = None,
    held_by: str = "",
    at: datetime | None = None,
) -> HeldEvent:
    """Record that the child is being held: always allowed, because the file tells the truth.

    Raises CHILD_HELD to the owning agency's supervisors and to the active guardian, and
    LEGAL_AID_NEEDED to legal aid; the periodic check then raises HELD_DAILY_REVIEW each
    day until `held_release`. Where they are held, and by whom, is sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    if place_kind not in HeldPlace.values:
        raise ValidationError({"place_kind": _("Unknown place.")})
    moment = at or timezone.now()
    _plausible(since, core_dates.CASE_EVENT, _lazy("time the child was held from"), moment)
    event = HeldEvent(
        case=case, place_kind=place_kind, held_by_agency=held_by_agency, since=since or moment, recorded_by=actor,
        recorded_at=moment,
    )  # fmt: skip
    event.place = _seal(case, HeldEvent, "place", where)
    event.held_by = _seal(case, HeldEvent, "held_by", held_by)
    event.save()
    detail = _("%(case)s: held (%(place)s) since %(since)s") % {
        "case": case.reference,
        "place": event.get_place_kind_display(),
        "since": f"{event.since:%Y-%m-%d %H:%M}",
    }
    key = f"held:{event.pk}"
    _to_supervisors(kind=AlertKind.CHILD_HELD, case=case, key=key, detail=detail, at=moment, due_at=moment)
    _to_guardian(kind=AlertKind.CHILD_HELD, case=case, key=key, detail=detail, at=moment, due_at=moment)
    _to_legal_aid(kind=AlertKind.LEGAL_AID_NEEDED, case=case, key=key, detail=detail, at=moment)
    return event


@transaction.atomic
def held_release(
    *, actor: User, event: HeldEvent, released_at: datetime | None = None, note: str = "", at: datetime | None = None
) -> HeldEvent:
    """Record the child's release: the daily reviews stop, and those still open are closed."""
    locked = HeldEvent.objects.select_for_update().get(pk=event.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    released = released_at or moment
    _plausible(released, core_dates.CASE_EVENT, _lazy("time of the release"), moment)
    if locked.released_at is not None:
        raise ValidationError(_("The release is already recorded."))
    if released < locked.since:
        raise ValidationError({"released_at": _("A release cannot come before the child was held.")})
    HeldEvent.objects.filter(pk=locked.pk).update(
        released_at=released, release_note=_seal(case, HeldEvent, "release_note", note), release_recorded_by=actor
    )
    # Reviews of a child no longer held are moot; the release is their outcome. (They were
    # addressed to the supervisors, so alert_close would refuse a caseworker recording it.)
    alerts_done(
        Alert.objects.filter(kind=AlertKind.HELD_DAILY_REVIEW, case_id=locked.case_id,
                             key__startswith=f"held-review:{locked.pk}:"),
        actor=actor, outcome=_("Released."), at=moment,
    )  # fmt: skip
    locked.refresh_from_db()
    return locked


def held_daily_reviews_alert(*, at: datetime | None = None) -> int:
    """Periodic: HELD_DAILY_REVIEW to the owning agency's supervisors for every child held at
    `at`, once per day in the agency's zone, due by the end of that day, until release.

    Keyed per event and day: running twice a day alerts once. Returns how many were raised.
    """
    moment = at or timezone.now()
    held = (
        HeldEvent.objects.filter(since__lte=moment)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=moment))
        .select_related("case__owning_agency")
        .order_by("pk")
    )
    raised = 0
    for event in held.iterator():
        case = event.case
        zone = zoneinfo.ZoneInfo(case.owning_agency.time_zone)
        day = moment.astimezone(zone).date()
        detail = _("%(case)s: still held (%(place)s) since %(since)s — review today") % {
            "case": case.reference,
            "place": event.get_place_kind_display(),
            "since": f"{event.since:%Y-%m-%d}",
        }
        alert = _to_supervisors(
            kind=AlertKind.HELD_DAILY_REVIEW, case=case, key=f"held-review:{event.pk}:{day.isoformat()}",
            detail=detail, at=moment, due_at=datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
        )  # fmt: skip
        raised += alert is not None
    return raised


# --- Missing from care ---------------------------------------------------------------------
def _risk_raise(*, actor: User, case: Case) -> Case:
    """The case's risk to critical through the cases service, with the row locked so that the
    version read here is the one written: a concurrent edit waits instead of failing the report
    (that edit is then refused as stale, and its author sees the raised risk)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.risk_level == Case.RiskLevel.CRITICAL:
        return locked
    return case_details_update(
        actor=actor, case=locked, expected_version=locked.version, facts={"risk_level": Case.RiskLevel.CRITICAL}
    )


def _cross_border_notice(*, case: Case, country: str, key: str, at: datetime) -> int:
    """To that country's counterpart agencies (their partner staff), with the case reference
    only; to the supervisors when Haven knows none there, so notice is given another way."""
    detail = _("%(case)s: a child missing from care may have crossed into %(country)s") % {
        "case": case.reference,
        "country": country,
    }
    counterparts = list(Agency.objects.filter(kind=AgencyKind.FOREIGN_COUNTERPART, is_active=True, country=country))
    if not counterparts:
        alone = _("%(detail)s — no counterpart agency in Haven there: give notice directly.") % {"detail": detail}
        alert = _to_supervisors(kind=AlertKind.CROSS_BORDER_NOTICE, case=case, key=f"{key}:no-counterpart",
                                detail=alone, at=at)  # fmt: skip
        return int(alert is not None)
    raised = 0
    for agency in counterparts:
        alert = alert_raise(kind=AlertKind.CROSS_BORDER_NOTICE, agency=agency, role=Role.PARTNER_STAFF, case=case,
                            key=key, detail=detail, at=at)  # fmt: skip
        raised += alert is not None
    return raised


@transaction.atomic
def missing_report(
    *,
    actor: User,
    case: Case,
    missing_since: datetime | None = None,
    reason: str = "",
    last_seen: str = "",
    police_reported_at: datetime | None = None,
    police_agency: Agency | None = None,
    police_reference: str = "",
    may_have_crossed_to: str = "",
    notice_could_endanger: bool = False,
    notice_withheld_reason: str = "",
    at: datetime | None = None,
) -> MissingReport:
    """Report the child missing from care: an urgent protective action, never gated.

    The police report is recorded at once (its time is now unless given); the case's risk
    level is raised to critical; CHILD_MISSING goes to the supervisors and the guardian; and
    where the child may have crossed a border, CROSS_BORDER_NOTICE goes to that country's
    counterpart agencies — unless the report records that notice could endanger the child
    or family. Where the child was last seen, and why notice is withheld, are sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    _lock(case)
    moment = at or timezone.now()
    since = missing_since or moment
    _plausible(since, core_dates.CASE_EVENT, _lazy("time the child went missing"), moment)
    _plausible(police_reported_at, core_dates.CASE_EVENT, _lazy("time of the report to the police"), moment)
    country = may_have_crossed_to.strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError({"may_have_crossed_to": _("Give the country's two-letter ISO 3166 code.")})
    reason = reason.strip() or _("Missing from care since %(since)s.") % {"since": f"{since:%Y-%m-%d %H:%M}"}
    action = _urgent_action_create(actor=actor, case=case, kind=UrgentActionKind.MISSING_REPORT, reason=reason,
                                   taken_at=moment, at=moment)  # fmt: skip
    report = MissingReport(
        case=case, urgent_action=action, missing_since=since, police_reported_at=police_reported_at or moment,
        police_agency=police_agency, police_reference=police_reference.strip(), may_have_crossed_to=country,
        notice_could_endanger=notice_could_endanger, recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    report.last_seen = _seal(case, MissingReport, "last_seen", last_seen)
    report.notice_withheld_reason = _seal(case, MissingReport, "notice_withheld_reason", notice_withheld_reason)
    report.save()
    _risk_raise(actor=actor, case=case)
    key = f"missing:{report.pk}"
    detail = _("%(case)s: missing from care since %(since)s") % {
        "case": case.reference,
        "since": f"{since:%Y-%m-%d %H:%M}",
    }
    _to_supervisors(kind=AlertKind.CHILD_MISSING, case=case, key=key, detail=detail, at=moment, due_at=moment)
    _to_guardian(kind=AlertKind.CHILD_MISSING, case=case, key=key, detail=detail, at=moment, due_at=moment)
    # Notice across a border; the alert names the case only, and the report itself is never
    # shared by it: anything more goes by referral, under R8's rules.
    if country and country != case.owning_agency.country and not notice_could_endanger:
        _cross_border_notice(case=case, country=country, key=key, at=moment)
    return report


# --- Charges --------------------------------------------------------------------------------
@transaction.atomic
def charge_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    acts: str = "",
    authority: Agency | None = None,
    authority_name: str = "",
    since: datetime | None = None,
    at: datetime | None = None,
) -> Charge:
    """Record that the child faces charges or penalties for acts committed as a consequence of
    being trafficked. Refuses nothing: raises NON_PUNISHMENT — the rule's code on each alert —
    to the supervisors, the guardian and legal aid. The acts are sealed."""
    case = _load(case)
    require(actor, Action.WORK, case)
    if kind not in ChargeKind.values:
        raise ValidationError({"kind": _("Unknown kind of charge or penalty.")})
    moment = at or timezone.now()
    _plausible(since, core_dates.CASE_EVENT, _lazy("date the charge was faced from"), moment)
    charge = Charge(
        case=case, kind=kind, authority=authority, authority_name=authority_name.strip(), since=since or moment,
        recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    charge.acts = _seal(case, Charge, "acts", acts)
    charge.save()
    rule = Violation("NON_PUNISHMENT")
    detail = f"{rule.code} · {case.reference}: {charge.get_kind_display()}. {rule.message}"
    key = f"charge:{charge.pk}"
    _to_supervisors(kind=AlertKind.NON_PUNISHMENT, case=case, key=key, detail=detail, at=moment)
    _to_guardian(kind=AlertKind.NON_PUNISHMENT, case=case, key=key, detail=detail, at=moment)
    _to_legal_aid(kind=AlertKind.NON_PUNISHMENT, case=case, key=key, detail=detail, at=moment)
    return charge
