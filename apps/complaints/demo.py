"""Fictional complaints for the demo cases, made only through the services.

Needs the demo accounts, cases and guardians (seed_accounts, seed_cases, seed_guardianship):
on ALV-05 its guardian complains about the caseworker, who never sees it, and the supervisor
has answered the boy; on ALV-07 the child's own complaint about the service, recorded by
their caseworker, is under review. Running it again creates nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.cases.demo import MARKER_PREFIX, demo_cases
from apps.cases.models import Case
from apps.complaints import services
from apps.complaints.models import AnswerChannel, Complaint, ComplaintAbout, ComplaintStatus, LodgedBy


@dataclass(frozen=True)
class DemoComplaints:
    """What the demo holds afterwards: counts only."""

    created: int
    complaints: int
    answered: int

    def describe(self) -> str:
        return f"Demo complaints ready ({self.created} new): {self.complaints} complaints, {self.answered} answered."


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


@transaction.atomic
def seed_complaints(*, now: datetime | None = None) -> DemoComplaints:
    now = now or timezone.now()
    created = 0
    bogdan = _case("ALV-05")
    if not Complaint.objects.filter(case=bogdan).exists():
        complaint = services.complaint_lodge(
            actor=_user("joana.lima"), case=bogdan, lodged_by=LodgedBy.GUARDIAN, about=ComplaintAbout.STAFF,
            named=[_user("tomas.neves")], lodged_at=now - timedelta(days=20), at=now - timedelta(days=20),
            text="Bogdan says his caseworker cancelled three meetings in a row without telling him, and he waited "
            "at the centre each time.",
        )  # fmt: skip
        services.complaint_answer(
            actor=_user("marta.sousa"), complaint=complaint, channel=AnswerChannel.IN_PERSON,
            given_at=now - timedelta(days=12), at=now - timedelta(days=12),
            answer="We apologised to Bogdan. Meetings are now set a week ahead and confirmed the day before; if one "
            "has to move, the centre tells him by message.",
        )  # fmt: skip
        created += 1
    adriana = _case("ALV-07")
    if not Complaint.objects.filter(case=adriana).exists():
        complaint = services.complaint_lodge(
            actor=_user("tomas.neves"), case=adriana, lodged_by=LodgedBy.CHILD, about=ComplaintAbout.AGENCY,
            lodged_at=now - timedelta(days=5), at=now - timedelta(days=5),
            text="I was told three times that the interpreter would come and nobody came. I could not say what I "
            "wanted at the meeting.",
        )  # fmt: skip
        services.complaint_review_start(actor=_user("marta.sousa"), complaint=complaint, at=now - timedelta(days=4))
        created += 1
    services.complaint_deadlines_alert(at=now)
    ids = demo_cases().values("pk")
    return DemoComplaints(
        created=created,
        complaints=Complaint.objects.filter(case__in=ids).count(),
        answered=Complaint.objects.filter(case__in=ids, status=ComplaintStatus.ANSWERED).count(),
    )
