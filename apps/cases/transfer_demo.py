"""A demo transfer between the two countries' agencies (fictional child, through the services).

Alvora Child Protection Service (PT) registered a boy whose aunt, his only family, lives in
Montalba (ES); Alvora's supervisor asks the Montalba Child Protection Directorate to take the
case over, and its supervisor accepts: Montalba holds the case from then on, Alvora no longer
sees it. Running it again changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, User
from apps.cases import htcds, services, transfers
from apps.cases.models import Case
from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralKind

# Not "DEMO-": the workflow demo counts its own cases by that prefix.
MARKER = "TRANSFER-DEMO-01"
FROM_AGENCY = "Alvora Child Protection Service"
TO_AGENCY = "Montalba Child Protection Directorate"
PURPOSE = "His aunt, his only family, lives in Montalba and can care for him: the case moves with him."


@dataclass(frozen=True)
class DemoTransfer:
    created: int
    held_by: str

    def describe(self) -> str:
        return f"Demo transfer ready ({self.created} records new): the case is held by {self.held_by}."


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _case(now: datetime) -> tuple[Case, int]:
    case = Case.objects.filter(police_evidence_reference=MARKER).first()
    if case is not None:
        return case, 0
    registration = services.case_register(
        actor=_user("ana.ferreira"),
        agency=Agency.objects.get(name=FROM_AGENCY),
        identity=services.ChildIdentity(
            given_names="Youssef", family_names="Amrani", aliases=(), birth_date=date(2011, 3, 14)
        ),
        child_facts={"birth_date_basis": "documented", "nationalities": ["MA"], "languages": ["Arabic", "Spanish"]},
        case_facts={
            "police_evidence_reference": MARKER,
            "identification_method": Case.IdentificationMethod.HOTLINE,
            "exploitation_forms": [htcds.ExploitationForm.NOT_YET_DISCLOSED],
            "assigned_caseworker": _user("ana.ferreira"),
        },
        at=now - timedelta(days=12),
    )
    return registration.case, 1


@transaction.atomic
def seed_transfer(*, now: datetime | None = None) -> DemoTransfer:
    """Register the boy in Alvora, ask Montalba to take his case over, and accept there."""
    now = now or timezone.now()
    case, created = _case(now)
    transfer = Referral.objects.filter(case=case, kind=ReferralKind.TRANSFER).first()
    if transfer is None:
        transfer = transfers.case_transfer_request(
            actor=_user("marta.sousa"),
            case=case,
            to_agency=Agency.objects.get(name=TO_AGENCY),
            purpose=PURPOSE,
            at=now - timedelta(days=3),
        )
        created += 1
    if transfer.state in transfers.PENDING_STATES:
        referrals.referral_accept(actor=_user("javier.ortega"), referral=transfer, at=now - timedelta(days=2))
        created += 1
    case.refresh_from_db()
    return DemoTransfer(created=created, held_by=case.owning_agency.name)
