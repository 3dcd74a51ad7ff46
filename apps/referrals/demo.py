"""Demo referrals from Alvora Child Protection Service's cases to its partners, one in each state
(fictional, through the services). Running it again changes nothing."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, User
from apps.cases.models import Case, CaseState
from apps.referrals import services
from apps.referrals.models import LegalBasis, Referral, ReferralKind, ServiceKind

FROM_AGENCY = "Alvora Child Protection Service"
SENDER = "marta.sousa"  # the agency's supervisor: she works on every case of it

# (case index, receiving agency, its staff who replies, service, purpose, the state it ends in)
PLAN = [
    (0, "Alvora General Hospital — Paediatrics", None, ServiceKind.HEALTH,
     "Health check after arrival: vaccinations and a dental check (fictional).", "sent"),
    (0, "Harbour Legal Aid", "carla.mendes", ServiceKind.LEGAL_AID,
     "Advice on the residence permit for victims and the compensation claim (fictional).", "acknowledged"),
    (1, "Casa Aurora Children's Home", "sofia.pinto", ServiceKind.SHELTER,
     "A place in the children's home while a foster family is found (fictional).", "accepted"),
    (1, "Harbour Legal Aid", "carla.mendes", ServiceKind.LEGAL_AID,
     "Representation at the hearing of the age appeal (fictional).", "declined"),
    (2, "Alvora Police — Child Protection Unit", "bruno.alves", ServiceKind.POLICE_PROTECTION,
     "Protection at school after threats from the recruiter's associates (fictional).", "completed"),
    (2, "Safe Passage", None, ServiceKind.PSYCHOSOCIAL,
     "Weekly psychosocial sessions in the child's language (fictional).", "revoked"),
    (0, "Casa Aurora Children's Home", "sofia.pinto", ServiceKind.EDUCATION,
     "Homework support at the home during the school term (fictional).", "expired"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoReferrals:
    created: int
    total: int

    def describe(self) -> str:
        return f"Demo referrals ready ({self.created} new, {self.total} in all, one in each state)."


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


@transaction.atomic
def seed_referrals() -> DemoReferrals:
    now = timezone.now()
    home = Agency.objects.get(name=FROM_AGENCY)
    sender = _user(SENDER)
    cases = list(Case.objects.filter(owning_agency=home).exclude(state=CaseState.CLOSED).order_by("reference")[:3])
    created = 0
    for index, agency_name, replier, service, purpose, state in PLAN:
        if index >= len(cases):
            continue
        case, to_agency = cases[index], Agency.objects.get(name=agency_name)
        if Referral.objects.filter(case=case, to_agency=to_agency, service=service).exists():
            continue
        expired = state == "expired"
        sent_at = now - timedelta(days=10 if expired else 2)
        referral = services.referral_send(
            actor=sender, case=case, to_agency=to_agency, kind=ReferralKind.SERVICE, service=service,
            legal_basis=LegalBasis.LEGAL_DUTY, legal_reference="Child Protection Act, art. 12 (fictional)",
            purpose=purpose, sections=None, expires_at=sent_at + timedelta(days=5) if expired else None,
            at=sent_at,
        )  # fmt: skip
        created += 1
        staff = _user(replier) if replier else None
        if staff is not None and state in {"acknowledged", "accepted", "declined", "completed"}:
            referral = services.referral_acknowledge(actor=staff, referral=referral)
        if staff is not None and state in {"accepted", "completed"}:
            referral = services.referral_accept(actor=staff, referral=referral)
        if staff is not None and state == "completed":
            services.referral_complete(actor=staff, referral=referral)
        if staff is not None and state == "declined":
            services.referral_decline(actor=staff, referral=referral, reason="No lawyer free before the hearing.")
        if state == "revoked":
            services.referral_revoke(actor=sender, referral=referral, reason="The child's family found a counsellor.")
    services.referrals_expire(at=now)
    return DemoReferrals(created=created, total=Referral.objects.filter(from_agency=home, kind="service").count())
