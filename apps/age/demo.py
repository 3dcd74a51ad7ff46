"""Fictional age disputes for the demo world, made only through the services.

Needs the demo accounts and cases (apps.accounts.demo, apps.cases.demo). Every story, date
and name here is invented:

- Muhammad (ALV-02) says he is 16; the border police put him at 19 from his looks — an
  external decision, recorded and challenged. With no document, an assessment is open under
  his guardian's oversight: the psycho-social assessment was inconclusive.
- Blessing (ALV-06) travelled on a passport that makes her 23. She disputes it and it is
  flagged as possibly false: the woman who ran the flat supplied it.
- Fatoumata (ALV-04) was found to be an adult by the immigration service; the decision is
  recorded as external and challenged by legal aid. She is still treated as a child.

Running it again creates nothing new.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.age import services
from apps.age.models import (
    AgeAssessment,
    AgeClaim,
    DocumentKind,
    ExternalAgeDecision,
    IdentityDocument,
    MethodKind,
    MethodOutcome,
)
from apps.age.rules import Consent, Professional
from apps.age.selectors import is_treated_as_child
from apps.cases.demo import MARKER_PREFIX
from apps.cases.models import Case
from apps.guardianship.models import AppointmentKind, GuardianProfile
from apps.guardianship.selectors import active_appointment
from apps.guardianship.services import guardian_appoint, guardian_profile_record
from apps.voice.models import HowExpressed, ViewsDecision
from apps.voice.services import child_views_record


@dataclass(frozen=True)
class DemoAge:
    """What the demo holds afterwards: counts only, never a name or a date of birth."""

    assessments_open: int
    documents_flagged: int
    external_decisions: int
    treated_as_children: int

    def describe(self) -> str:
        return (
            f"Demo age disputes ready: {self.assessments_open} assessment(s) in progress, "
            f"{self.documents_flagged} document(s) flagged as possibly false, "
            f"{self.external_decisions} external decision(s); {self.treated_as_children} person(s) treated as children."
        )


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _case(key: str) -> Case | None:
    return (
        Case.objects.select_related("child", "owning_agency")
        .filter(police_evidence_reference=f"{MARKER_PREFIX}{key}")
        .first()
    )


def _worker(case: Case) -> User:
    return case.assigned_caseworker or _user("marta.sousa")


def _guardian_for(case: Case, now: datetime) -> None:
    """Joana Lima, of the Alvora Guardianship Office, unless the child has a guardian already."""
    if active_appointment(case=case, at=now) is not None:
        return
    guardian = _user("joana.lima")
    if not GuardianProfile.objects.filter(user=guardian).exists():
        today = timezone.localdate(now)
        guardian_profile_record(
            actor=_user("helena.matos"),
            guardian=guardian,
            trained_on=today - timedelta(days=400),
            training="Guardianship for separated children, national course",
            record_checked_on=today - timedelta(days=90),
            record_check_valid_until=today + timedelta(days=3 * 365),
        )
    # Now: the demo's guardians hold their role from the moment the demo world was made.
    guardian_appoint(actor=_user("marta.sousa"), case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED, at=now)


def _muhammad(case: Case, now: datetime) -> None:
    worker = _worker(case)
    if not AgeClaim.objects.filter(case=case).exists():
        services.age_claim_record(actor=worker, case=case, birth_date=date(2010, 6, 30), at=now - timedelta(days=110))
    if not ExternalAgeDecision.objects.filter(case=case).exists():
        decision = services.external_decision_record(
            actor=worker,
            case=case,
            authority="Alvora Police — border unit",
            authority_country="PT",
            decided_on=(now - timedelta(days=118)).date(),
            earliest_birth_date=date(2006, 1, 1),
            latest_birth_date=date(2007, 1, 1),
            at=now - timedelta(days=100),
        )
        services.external_decision_challenge(
            actor=worker,
            decision=decision,
            challenge="The estimate rests on his appearance alone; asked the police to withdraw it.",
            at=now - timedelta(days=99),
        )
    if AgeAssessment.objects.filter(case=case).exists():
        return
    # The assessment starts today, under the guardian's oversight (the demo's guardians hold
    # their role only from the moment the demo world was made).
    _guardian_for(case, now)
    # R6: he is heard on the assessment before it opens.
    child_views_record(
        actor=worker, case=case, decision=ViewsDecision.AGE_ASSESSMENT, heard=True,
        views="He wants the police estimate withdrawn and agrees to talk with the social worker and the "
        "psychologist, but not to any X-ray.",
        how_expressed=HowExpressed.SPOKEN, language="Arabic (Darija)", objects=False, at=now,
    )  # fmt: skip
    assessment = services.assessment_open(
        actor=worker,
        case=case,
        last_resort_reason="No identity document exists; his account and the interviews leave his age unclear, "
        "and the police estimate rests on his appearance.",
        consent=Consent(
            given=True,
            language="Arabic (Darija), with an interpreter",
            explanation="Conversations with a social worker and a psychologist over two meetings; no medical "
            "examination unless these cannot settle his age, and then only with his agreement.",
            told_no_penalty=True,
        ),
        professionals=[
            Professional(name="Rita Lopes", discipline="social_work"),
            Professional(name="Samir Haddad", discipline="psychology"),
        ],
        at=now,
    )
    services.assessment_method_record(
        actor=worker,
        assessment=assessment,
        kind=MethodKind.PSYCHOSOCIAL,
        outcome=MethodOutcome.INCONCLUSIVE,
        findings="Developmental history incomplete; school years he remembers fit 15 to 18.",
        at=now,
    )


def _blessing(case: Case, now: datetime) -> None:
    worker = _worker(case)
    if not AgeClaim.objects.filter(case=case).exists():
        services.age_claim_record(actor=worker, case=case, birth_date=date(2009, 1, 22), at=now - timedelta(days=320))
    if IdentityDocument.objects.filter(case=case).exists():
        return
    passport = services.identity_document_record(
        actor=worker,
        case=case,
        kind=DocumentKind.PASSPORT,
        issuing_country="NG",
        birth_date=date(2003, 1, 22),
        disputed=True,
        dispute_reason="She says the passport is not hers: it was handed to her for the journey.",
        at=now - timedelta(days=315),
    )
    services.identity_document_flag(
        actor=worker,
        document=passport,
        reason="Supplied by the woman who ran the flat; the photograph does not match the data page.",
        at=now - timedelta(days=314),
    )


def _fatoumata(case: Case, now: datetime) -> None:
    if ExternalAgeDecision.objects.filter(case=case).exists():
        return
    worker = _worker(case)
    decision = services.external_decision_record(
        actor=worker,
        case=case,
        authority="National Border and Immigration Service",
        authority_country="PT",
        decided_on=(now - timedelta(days=70)).date(),
        earliest_birth_date=date(2005, 1, 1),
        latest_birth_date=date(2006, 12, 31),
        at=now - timedelta(days=68),
    )
    services.external_decision_challenge(
        actor=worker,
        decision=decision,
        challenge="Harbour Legal Aid asked for a review: no assessment was made and she was never heard.",
        at=now - timedelta(days=60),
    )


@transaction.atomic
def seed_age(*, now: datetime | None = None) -> DemoAge:
    """Add the demo age disputes to the demo cases that exist (idempotent)."""
    now = now or timezone.now()
    people = {"ALV-02": _muhammad, "ALV-06": _blessing, "ALV-04": _fatoumata}
    cases = []
    for key, seed in people.items():
        case = _case(key)
        if case is not None:
            seed(case, now)
            cases.append(case)
    return DemoAge(
        assessments_open=AgeAssessment.objects.filter(case__in=cases, status="open").count(),
        documents_flagged=IdentityDocument.objects.filter(case__in=cases, events__kind="flagged").distinct().count(),
        external_decisions=ExternalAgeDecision.objects.filter(case__in=cases).count(),
        treated_as_children=sum(is_treated_as_child(child=c.child, at=now) for c in cases),
    )
