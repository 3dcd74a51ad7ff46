"""A fictional break-glass reading with its review, and an explicit grant, made only through the services.

One Saturday night before the demo's today, Tomás Neves (Alvora, long-term care, on duty)
opens a case held by the intake team, which he cannot see, for urgent protection; he reads
it while it runs (read-only), and Marta Sousa, the supervisor, reviews it on Monday morning. She
also lets Carla Mendes, the legal aid lawyer, read one case by an explicit grant. Running it again
creates nothing.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN, ROOT_AGENCY
from apps.accounts.models import Agency, User
from apps.cases.access import case_visibility
from apps.cases.demo import demo_cases
from apps.cases.models import Case
from apps.grants import services
from apps.grants.models import BreakGlass, CaseUserObjectPermission

SATURDAY = 5
REASON = (
    "The police found the girl at the bus station at 23:40 with an adult who is not on her file; the shelter "
    "needs to know her guardian and any contact restrictions tonight."
)
REVIEW = "Needed: the contact restrictions were on file and the shelter kept the adult away. Nothing else was read."


@dataclass(frozen=True)
class DemoGrants:
    """What the demo holds afterwards: counts only."""

    created: int
    readings: int
    reviewed: int
    grants: int

    def describe(self) -> str:
        return (
            f"Demo grants ready ({self.created} new): {self.readings} break-glass reading(s) out of hours, "
            f"{self.reviewed} reviewed; {self.grants} explicit grant(s) to a named person."
        )


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _last_saturday_night(now: datetime, zone: ZoneInfo) -> datetime:
    """23:50 local on the last Saturday at least two days before `now`: out of office hours."""
    day = (now - timedelta(days=2)).astimezone(zone).date()
    while day.weekday() != SATURDAY:
        day -= timedelta(days=1)
    return datetime.combine(day, time(23, 50), tzinfo=zone)


@transaction.atomic
def seed_grants(*, now: datetime | None = None) -> DemoGrants:
    now = now or timezone.now()
    on_duty, supervisor = _user("tomas.neves"), _user("marta.sousa")
    created = 0
    mine = BreakGlass.objects.filter(opened_by=on_duty, case__in=demo_cases().values("pk"))
    if not mine.exists():
        alvora = demo_cases().filter(owning_agency__name=ROOT_AGENCY)
        opened_at = _last_saturday_night(now, ZoneInfo(Agency.objects.get(name=ROOT_AGENCY).time_zone))
        # A case of the intake team, which the long-term caseworker does not see.
        unseen = alvora.exclude(pk__in=Case.objects.filter(case_visibility(actor=on_duty, at=opened_at)).values("pk"))
        case = unseen.order_by("reference").first()
        if case is not None:
            opening = services.break_glass_open(actor=on_duty, case=case, reason=REASON, at=opened_at)
            services.break_glass_review(
                actor=supervisor, opening=opening, note=REVIEW, at=opening.review_due_at + timedelta(minutes=40)
            )
            created += 1
    # The legal aid lawyer preparing one child's appeal reads that case, and no other.
    lawyer = _user("carla.mendes")
    granted = CaseUserObjectPermission.objects.filter(user=lawyer, content_object__in=demo_cases().values("pk"))
    if not granted.exists():
        case = demo_cases().filter(owning_agency__name=ROOT_AGENCY).order_by("reference").first()
        if case is not None:
            services.case_read_grant(actor=supervisor, case=case, user=lawyer, at=now)
            created += 1
    return DemoGrants(
        created=created,
        readings=mine.count(),
        reviewed=mine.filter(reviewed_at__isnull=False).count(),
        grants=granted.count(),
    )
