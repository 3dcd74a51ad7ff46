"""Who sees a complaint, decided at the query.

Never anyone it names (R8): that holds before everything else, whatever role they hold.
Otherwise: the supervisors of the owning agency, the case's active guardian, its reviewer,
and the person who recorded it while they still see the case. A complaint outside this is
a 404 on every channel, as if it did not exist.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.cases.models import Case
from apps.cases.selectors import case_visibility
from apps.complaints.models import Complaint, ComplaintNamedPerson
from apps.guardianship.selectors import active_appointments


def not_named(*, actor: User, prefix: str = "") -> Q:
    """Complaints that do not name the actor (`prefix` to reach the complaint from another model)."""
    named = ComplaintNamedPerson.objects.filter(complaint=OuterRef(f"{prefix}pk"), person=actor)
    return ~Q(Exists(named))


def complaint_visibility(*, actor: User, at: datetime | None = None) -> Q:
    if not actor.is_authenticated or not actor.is_active:
        return Q(pk__in=[])
    moment = at or timezone.now()
    supervises = Membership.objects.active(at=moment).filter(
        user=actor, role=Role.SUPERVISOR, agency=OuterRef("case__owning_agency")
    )
    guards = active_appointments(at=moment).filter(guardian=actor, case=OuterRef("case"))
    sees_case = Case.objects.filter(case_visibility(actor=actor, at=moment)).values("pk")
    may = Q(Exists(supervises)) | Q(Exists(guards)) | Q(reviewer=actor) | (Q(recorded_by=actor) & Q(case__in=sees_case))
    return not_named(actor=actor) & may


def complaint_list(*, actor: User, at: datetime | None = None) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(complaint_visibility(actor=actor, at=at))
        .select_related("case", "case__owning_agency", "recorded_by", "reviewer", "answered_by")
        .order_by("-lodged_at", "-pk")
    )


def complaint_get(*, actor: User, complaint_id: int) -> Complaint:
    """One complaint the actor may see; any other id is a 404."""
    complaint = complaint_list(actor=actor).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404
    return complaint


def named_people(*, complaint: Complaint) -> list[User]:
    return list(User.objects.filter(pk__in=complaint.named.values("person")).order_by("full_name", "pk"))
