"""Every write of complaints, and the periodic check that no child waits for an answer.

Who lodges: the child, in their own words, recorded on their behalf by staff of the owning
agency who may act on the case or by their guardian; or the active guardian for their ward.
A complaint is never refused for what it says or whom it names.

Who reviews (`complaint_route`): an active supervisor of the owning agency who is not named
in it (the one with the fewest open complaints). When every supervisor is named, the
agency's administrator takes it: they run the agency's people and see this complaint only,
not the case. When nobody at all is left (every one of them named, or none active), the
complaint stays lodged without a reviewer, the guardian is told so (to take it outside the
agency), and the periodic check routes it as soon as someone is eligible.

Alerts go to people by name, never to a role: a role alert would reach a named supervisor.
They carry the case reference only.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Membership, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.cases.reading import sealed_text_for
from apps.cases.selectors import agency_roles, case_may_act
from apps.complaints.models import (
    AnswerChannel,
    Complaint,
    ComplaintAbout,
    ComplaintNamedPerson,
    ComplaintStatus,
    LodgedBy,
    ReviewerBasis,
)
from apps.complaints.selectors import complaint_list
from apps.core import dates as core_dates
from apps.guardianship.selectors import active_appointment

OPEN = (ComplaintStatus.LODGED, ComplaintStatus.UNDER_REVIEW)


def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _seal(case: Case, column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), Complaint, column, value.strip() or None)


def complaint_text(complaint: Complaint, column: str = "text", *, actor: User, channel: str) -> str | None:
    """A complaint's sealed text or answer for a person, the read logged; None once the child is anonymised.

    Callers got the complaint through `complaint_list` (so it does not name them)."""
    return sealed_text_for(actor=actor, channel=channel, record=complaint, column=column, case=complaint.case)


def _named_ids(complaint: Complaint) -> set[int]:
    return set(ComplaintNamedPerson.objects.filter(complaint=complaint).values_list("person_id", flat=True))


def _reviewer_for(complaint: Complaint, *, at: datetime) -> tuple[User | None, str]:
    named = _named_ids(complaint)
    agency_id = complaint.case.owning_agency_id
    for role, basis in ((Role.SUPERVISOR, ReviewerBasis.SUPERVISOR), (Role.AGENCY_ADMIN, ReviewerBasis.AGENCY_ADMIN)):
        holders = Membership.objects.active(at=at).filter(agency_id=agency_id, role=role).values("user_id")
        people = list(User.objects.filter(pk__in=holders, is_active=True).exclude(pk__in=named).order_by("pk"))
        if people:
            load = dict(
                Complaint.objects.filter(reviewer__in=people, status__in=OPEN)
                .values_list("reviewer")
                .annotate(n=Count("pk"))
                .values_list("reviewer", "n")
            )
            return min(people, key=lambda person: (load.get(person.pk, 0), person.pk)), basis
    return None, ""


def _guardian_alert(*, complaint: Complaint, kind: str, key: str, detail: str, at: datetime) -> Alert | None:
    """To the active guardian by name, unless the complaint names them."""
    appointment = active_appointment(case=complaint.case, at=at)
    if appointment is None or appointment.guardian_id in _named_ids(complaint):
        return None
    guardian = appointment.guardian
    membership = Membership.objects.active(at=at).filter(user=guardian, role=Role.GUARDIAN).order_by("pk").first()
    agency = membership.agency if membership is not None else complaint.case.owning_agency
    return alert_raise(
        kind=kind, agency=agency, user=guardian, case=complaint.case, key=f"{key}:guardian:{guardian.pk}",
        detail=detail, at=at,
    )  # fmt: skip


def complaint_route(*, complaint: Complaint, at: datetime | None = None) -> Complaint:
    """Give an open complaint a reviewer not named in it, and alert them (COMPLAINT) by name.

    Keeps a reviewer who is still eligible; re-routes when they no longer are (they left
    the role, say). Idempotent: the alert is keyed by complaint and reviewer.
    """
    moment = at or timezone.now()
    complaint = Complaint.objects.select_related("case__owning_agency", "case__child").get(pk=complaint.pk)
    if complaint.status == ComplaintStatus.ANSWERED:
        return complaint
    reviewer = complaint.reviewer
    if reviewer is not None:
        still = Role(complaint.reviewer_basis) if complaint.reviewer_basis else None
        eligible = (
            still is not None
            and reviewer.is_active
            and reviewer.pk not in _named_ids(complaint)
            and still in agency_roles(actor=reviewer, agency_id=complaint.case.owning_agency_id)
        )
        if not eligible:
            reviewer = None
    if reviewer is None:
        reviewer, basis = _reviewer_for(complaint, at=moment)
        Complaint.objects.filter(pk=complaint.pk).update(reviewer=reviewer, reviewer_basis=basis)
        complaint.reviewer, complaint.reviewer_basis = reviewer, basis
    case = complaint.case
    if reviewer is None:
        _guardian_alert(
            complaint=complaint, kind=AlertKind.COMPLAINT, key=f"complaint:{complaint.pk}:unrouted",
            detail=_("%(case)s: a complaint no one in the agency can review — take it to an outside body.")
            % {"case": case.reference}, at=moment,
        )  # fmt: skip
        return complaint
    alert_raise(
        kind=AlertKind.COMPLAINT, agency=case.owning_agency, user=reviewer, case=case,
        key=f"complaint:{complaint.pk}:{reviewer.pk}", detail=_("%(case)s: a complaint to review") % {"case": case.reference},
        due_at=complaint.answer_due_at, at=moment,
    )  # fmt: skip
    return complaint


def _may_record_for_child(actor: User, case: Case, at: datetime) -> bool:
    """The case's staff or the child's active guardian (the access policy's WORK_OR_GUARD)."""
    return cases_for(actor, Action.WORK_OR_GUARD, at=at).filter(pk=case.pk).exists()


@transaction.atomic
def complaint_lodge(
    *,
    actor: User,
    case: Case,
    lodged_by: str,
    about: str,
    text: str,
    named: Iterable[User] = (),
    lodged_at: datetime | None = None,
    at: datetime | None = None,
) -> Complaint:
    """Record a complaint and send it to a reviewer who is not named in it.

    The child's complaint is recorded on their behalf (in their words) by staff of the owning
    agency who may act on the case, or by their guardian; a guardian's complaint, by the
    active guardian. A case the actor may not see is a 404; one they may not lodge for, a
    403. The text is sealed; the answer is due HAVEN_COMPLAINT_ANSWER_DAYS after lodging.
    """
    case = _load(case)
    moment = at or timezone.now()
    appointment = active_appointment(case=case, at=moment)
    is_guardian = appointment is not None and appointment.guardian_id == actor.pk
    if not (is_guardian or case_may_act(actor=actor, case=case)):
        raise Http404
    if lodged_by == LodgedBy.GUARDIAN and not is_guardian:
        raise PermissionDenied(_("Only the child's active guardian lodges a complaint as guardian."))
    if lodged_by == LodgedBy.CHILD and not _may_record_for_child(actor, case, moment):
        raise PermissionDenied(_("Only the child's guardian or the agency's staff record the child's complaint."))
    if lodged_by not in LodgedBy.values:
        raise ValidationError({"lodged_by": _("Say who lodges the complaint.")})
    if about not in ComplaintAbout.values:
        raise ValidationError({"about": _("Say whom the complaint is about.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the complaint, in the child's or guardian's own words.")})
    people = list({person.pk: person for person in named}.values())
    if about == ComplaintAbout.STAFF and not people:
        raise ValidationError({"named": _("Name the staff members the complaint is about.")})
    lodged = lodged_at or moment
    # The answer falls due from it: a mistyped year would hide an unanswered complaint.
    core_dates.refuse_implausible(
        lodged, core_dates.CASE_EVENT, field=_lazy("date the complaint was lodged"), at=moment
    )
    complaint = Complaint(
        case=case, lodged_by=lodged_by, recorded_by=actor, lodged_at=lodged, about=about,
        answer_due_at=lodged + timedelta(days=settings.HAVEN_COMPLAINT_ANSWER_DAYS), recorded_at=moment,
    )  # fmt: skip
    complaint.text = _seal(case, "text", text)
    complaint.save()
    ComplaintNamedPerson.objects.bulk_create(ComplaintNamedPerson(complaint=complaint, person=p) for p in people)
    return complaint_route(complaint=complaint, at=moment)


def _handled_by(actor: User, complaint_id: int) -> Complaint:
    """The complaint, locked, for its reviewer or a supervisor of the agency it does not name.

    Someone it names gets a 404 (it does not exist for them); someone who sees it in
    another role (its guardian, who recorded it) a 403."""
    visible = complaint_list(actor=actor).filter(pk=complaint_id).exists()
    if not visible:
        raise Http404
    complaint = (
        Complaint.objects.select_for_update().select_related("case__owning_agency", "case__child").get(pk=complaint_id)
    )
    supervises = cases_for(actor, Action.SUPERVISE).filter(pk=complaint.case_id).exists()
    if complaint.reviewer_id != actor.pk and not supervises:
        raise PermissionDenied(_("Only the complaint's reviewer or a supervisor of the agency handles it."))
    return complaint


@transaction.atomic
def complaint_review_start(*, actor: User, complaint: Complaint, at: datetime | None = None) -> Complaint:
    """The reviewer (or a supervisor it does not name) takes the complaint up: under review."""
    locked = _handled_by(actor, complaint.pk)
    if locked.status != ComplaintStatus.LODGED:
        raise ValidationError(_("This complaint is already %(status)s.") % {"status": locked.get_status_display()})
    Complaint.objects.filter(pk=locked.pk).update(
        status=ComplaintStatus.UNDER_REVIEW, review_started_at=at or timezone.now()
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def complaint_answer(
    *,
    actor: User,
    complaint: Complaint,
    answer: str,
    channel: str,
    given_at: datetime | None = None,
    at: datetime | None = None,
) -> Complaint:
    """Record the answer given to the child: what it said (sealed), when, how and by whom.

    Only this ends the complaint; its alerts are closed with it."""
    moment = at or timezone.now()
    locked = _handled_by(actor, complaint.pk)
    if locked.status == ComplaintStatus.ANSWERED:
        raise ValidationError(_("The answer to this complaint is already recorded."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer given to the child.")})
    if channel not in AnswerChannel.values:
        raise ValidationError({"channel": _("Say how the answer was given to the child.")})
    given = given_at or moment
    core_dates.refuse_implausible(given, core_dates.CASE_EVENT, field=_lazy("date the answer was given"), at=moment)
    if given < locked.lodged_at:
        raise ValidationError({"given_at": _("An answer cannot come before the complaint.")})
    Complaint.objects.filter(pk=locked.pk).update(
        status=ComplaintStatus.ANSWERED, answer=_seal(locked.case, "answer", answer), answered_at=given,
        answer_channel=channel, answered_by=actor, review_started_at=locked.review_started_at or given,
    )  # fmt: skip
    # Its alerts are moot now; the answer is their outcome.
    answered = Alert.objects.filter(
        Q(kind=AlertKind.COMPLAINT, key__startswith=f"complaint:{locked.pk}:")
        | Q(kind=AlertKind.COMPLAINT_ANSWER_OVERDUE, key__startswith=f"complaint-overdue:{locked.pk}:")
    )
    alerts_done(answered, actor=actor, outcome=_("Answered."), at=moment)
    locked.refresh_from_db()
    return locked


def complaint_deadlines_alert(*, at: datetime | None = None) -> int:
    """Periodic: route complaints still without an eligible reviewer, and raise
    COMPLAINT_ANSWER_OVERDUE, by name, to the reviewer and every supervisor of the agency the
    complaint does not name, once its answer is due and not given.

    Keyed alerts: running twice alerts once. Returns how many overdue alerts were raised.
    """
    moment = at or timezone.now()
    open_complaints = Complaint.objects.filter(status__in=OPEN).order_by("pk")
    for complaint in open_complaints.filter(Q(reviewer__isnull=True) | Q(reviewer__is_active=False)).iterator():
        complaint_route(complaint=complaint, at=moment)
    raised = 0
    overdue = open_complaints.filter(answer_due_at__lte=moment).select_related("case__owning_agency", "reviewer")
    for complaint in overdue.iterator():
        case = complaint.case
        named = _named_ids(complaint)
        supervisors = Membership.objects.active(at=moment).filter(agency_id=case.owning_agency_id, role=Role.SUPERVISOR)
        audience = set(supervisors.exclude(user_id__in=named).values_list("user_id", flat=True))
        if complaint.reviewer_id is not None:
            audience.add(complaint.reviewer_id)
        detail = _("%(case)s: a complaint's answer was due on %(due)s") % {
            "case": case.reference,
            "due": f"{complaint.answer_due_at:%Y-%m-%d}",
        }
        for person in User.objects.filter(pk__in=audience).order_by("pk"):
            alert = alert_raise(
                kind=AlertKind.COMPLAINT_ANSWER_OVERDUE, agency=case.owning_agency, user=person, case=case,
                key=f"complaint-overdue:{complaint.pk}:{person.pk}", detail=detail, due_at=complaint.answer_due_at,
                at=moment,
            )  # fmt: skip
            raised += alert is not None
    return raised
