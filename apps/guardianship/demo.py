"""Guardians for the demo world (R1): who may guard, whom they guard, and what the rules held.

Every person here is invented. Everything goes through the services, as a supervisor would:

- Profiles (training, criminal-record check) for the two demo guardians, Joana Lima of the
  Alvora Guardianship Office and Elena Vidal of the Montalba Guardianship Council, recorded
  by a supervisor of their own authority; and for Nuno Barros, a new guardian of the Alvora
  office whose training is not recorded yet.
- Appointments on the demo cases (found by their "DEMO-..." evidence reference):
  ALV-02 had Joana Lima as provisional representative, then was handed over to Elena Vidal
  as qualified guardian (he asked for a guardian who speaks Spanish); ALV-04 has a
  provisional representative only, and its qualified guardian is overdue; ALV-05 had a
  provisional representative until its qualified guardian was appointed; ALV-06, ALV-07,
  MON-01 and MON-03 have a qualified guardian.
- Held by the rules: ALV-01 (a separated child) still has no one — Nuno Barros was proposed
  and refused (GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED) — so its representative and guardian are
  overdue (GUARDIAN_OVERDUE to Alvora's supervisors, and GUARDIAN_REQUIRED holds for it);
  MON-02, an unaccompanied child registered days ago, has no representative either; a
  handover on ALV-04 that would leave the child three days without a guardian is refused
  (GUARDIAN_HANDOVER_GAP). Refused attempts write nothing.

The deadline check (`guardian_deadlines_alert`) runs at the end. Running it all again
creates nothing new.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_grant
from apps.accounts.models import Agency, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.cases import services as cases
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case
from apps.core.rules import RuleViolation
from apps.guardianship import requests, services
from apps.guardianship.models import AppointmentKind, GuardianAppointment, GuardianProfile, GuardianRequest

ALVORA_OFFICE = "Alvora Guardianship Office"
ALVORA_CHILD_PROTECTION = "Alvora Child Protection Service"
MONTALBA_COUNCIL = "Montalba Guardianship Council"
PROVISIONAL = AppointmentKind.PROVISIONAL
QUALIFIED = AppointmentKind.QUALIFIED

# People the guardianship demo needs besides those of apps.accounts.demo:
# local part, full name, role, agency.
PEOPLE = [
    # Keeps the Montalba guardians' profiles (a supervisor of their own authority does).
    ("pilar.navarro", "Pilar Navarro", Role.SUPERVISOR, MONTALBA_COUNCIL),
    # A new guardian whose training is not recorded yet: appointing him is refused.
    ("nuno.barros", "Nuno Barros", Role.GUARDIAN, ALVORA_OFFICE),
]

# guardian, the supervisor who records the profile, whether the training is recorded.
PROFILES = [
    ("joana.lima", "helena.matos", True),
    ("elena.vidal", "pilar.navarro", True),
    ("nuno.barros", "helena.matos", False),
]


@dataclass(frozen=True)
class Plan:
    """One appointment: on which demo case, who, as what, and how long after identification."""

    case: str
    guardian: str
    kind: AppointmentKind
    after: timedelta


APPOINTMENTS = [
    Plan("ALV-02", "joana.lima", PROVISIONAL, timedelta(hours=6)),
    Plan("ALV-04", "joana.lima", PROVISIONAL, timedelta(hours=5)),
    Plan("ALV-05", "joana.lima", PROVISIONAL, timedelta(hours=4)),
    Plan("ALV-05", "joana.lima", QUALIFIED, timedelta(days=9)),
    Plan("ALV-06", "joana.lima", QUALIFIED, timedelta(days=1)),
    Plan("ALV-07", "joana.lima", QUALIFIED, timedelta(days=1)),
    Plan("MON-01", "elena.vidal", QUALIFIED, timedelta(days=2)),
    Plan("MON-03", "elena.vidal", QUALIFIED, timedelta(days=3)),
]

# A handover: the provisional representative of ALV-02 hands over to a qualified guardian.
HANDOVER = Plan("ALV-02", "elena.vidal", QUALIFIED, timedelta(days=30))
HANDOVER_FROM = "joana.lima"
HANDOVER_REASON = (
    "He asked for a guardian who speaks Spanish: the Montalba Guardianship Council takes over, across the border."
)
# ALV-05's provisional representative steps down when its qualified guardian is appointed.
ENDS_WHEN_QUALIFIED = "ALV-05"
ENDED_REASON = "A qualified guardian was appointed."

# Held by the rules (nothing written): an untrained guardian; a handover with a gap.
REFUSED_APPOINTMENT = Plan("ALV-01", "nuno.barros", PROVISIONAL, timedelta(0))
GAPPED_HANDOVER_CASE = "ALV-04"
GAPPED_HANDOVER_TO = "elena.vidal"
GAP = timedelta(days=3)


@dataclass(frozen=True)
class DemoGuardianship:
    """What the demo holds afterwards: counts and rule codes, never a name of a child."""

    created: int
    active_appointments: int
    refused: tuple[str, ...]
    overdue_alerts: int

    def describe(self) -> str:
        held = ", ".join(self.refused) or "none"
        return (
            f"Demo guardianship ready: {self.active_appointments} active appointments ({self.created} records new); "
            f"refused as the rules require: {held}; {self.overdue_alerts} open GUARDIAN_OVERDUE alerts."
        )


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _appointer(case: Case) -> User:
    """The supervisor of the agency holding the case (marta.sousa in Alvora, javier.ortega in Montalba)."""
    return _user(STAFF[case.owning_agency.name].supervisor)


def _seed_people() -> int:
    created = 0
    for local, full_name, role, agency_name in PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = accounts.user_create(actor=None, email=email, full_name=full_name, password=DEMO_PASSWORD)
            created += 1
        agency = Agency.objects.get(name=agency_name)
        # Asked for and approved by a second person, as any role reaching case data is.
        created += demo_grant(user=user, agency=agency, role=role)
    return created


def _seed_profiles(now: datetime) -> int:
    today = timezone.localdate(now)
    checked = today - timedelta(days=500)
    created = 0
    for login, supervisor, trained in PROFILES:
        guardian = _user(login)
        if GuardianProfile.objects.filter(user=guardian).exists():
            continue
        profile: dict[str, Any] = {
            "trained_on": today - timedelta(days=600) if trained else None,
            "training": "National guardianship course for child victims of trafficking" if trained else "",
            "record_checked_on": checked,
            "record_check_valid_until": checked + timedelta(days=3 * 365),
        }
        services.guardian_profile_record(actor=_user(supervisor), guardian=guardian, **profile)
        created += 1
    return created


def _appoint(plan: Plan) -> bool:
    """Appoint as planned unless done before; whether it was done now."""
    case, guardian = _case(plan.case), _user(plan.guardian)
    if GuardianAppointment.objects.filter(case=case, guardian=guardian, kind=plan.kind).exists():
        return False
    services.guardian_appoint(
        actor=_appointer(case), case=case, guardian=guardian, kind=plan.kind, at=case.identified_at + plan.after
    )
    return True


def _seed_appointments() -> int:
    created = 0
    for plan in APPOINTMENTS:
        created += _appoint(plan)
    # ALV-05: the provisional representative's mandate ends when the qualified guardian starts.
    case = _case(ENDS_WHEN_QUALIFIED)
    qualified = GuardianAppointment.objects.filter(case=case, kind=QUALIFIED).order_by("starts_at").first()
    if qualified is not None:
        stepping_down = GuardianAppointment.objects.filter(
            case=case, kind=PROVISIONAL, ends_at__isnull=True, starts_at__lte=qualified.starts_at
        )
        for provisional in stepping_down:
            services.guardian_appointment_end(
                actor=_appointer(case), appointment=provisional, reason=ENDED_REASON, at=qualified.starts_at
            )
            created += 1
    # ALV-02: handed over from the provisional representative to a qualified guardian, without a gap.
    case = _case(HANDOVER.case)
    old = (
        GuardianAppointment.objects.filter(case=case, guardian=_user(HANDOVER_FROM), kind=PROVISIONAL)
        .order_by("starts_at")
        .first()
    )
    if old is not None and old.ends_at is None and not GuardianAppointment.objects.filter(succeeds=old).exists():
        moment = case.identified_at + HANDOVER.after
        services.guardian_handover(
            actor=_appointer(case), appointment=old, new_guardian=_user(HANDOVER.guardian), reason=HANDOVER_REASON,
            at=moment, new_starts_at=moment, kind=HANDOVER.kind,
        )  # fmt: skip
        created += 1
    return created


def _refused_attempts(now: datetime) -> list[str]:
    """Attempts the rules refuse; they show the rules hold and write nothing."""
    refused: list[str] = []
    case = _case(REFUSED_APPOINTMENT.case)
    try:
        services.guardian_appoint(
            actor=_appointer(case), case=case, guardian=_user(REFUSED_APPOINTMENT.guardian),
            kind=REFUSED_APPOINTMENT.kind, at=now,
        )  # fmt: skip
    except RuleViolation as refusal:
        refused.extend(refusal.codes)
    case = _case(GAPPED_HANDOVER_CASE)
    current = GuardianAppointment.objects.filter(case=case, ends_at__isnull=True).first()
    if current is not None:
        try:
            services.guardian_handover(
                actor=_appointer(case), appointment=current, new_guardian=_user(GAPPED_HANDOVER_TO),
                reason="Planned handover", at=now, new_starts_at=now + GAP, kind=QUALIFIED,
            )  # fmt: skip
        except RuleViolation as refusal:
            refused.extend(refusal.codes)
    return refused


@transaction.atomic
def seed_guardianship(*, now: datetime | None = None) -> DemoGuardianship:
    """Profiles, appointments and a handover on the demo cases; the deadline check at the end.

    Needs the demo agencies, users and cases (apps.accounts.demo.seed_accounts, then
    apps.cases.demo.seed_cases). Running it again creates nothing new.
    """
    now = now or timezone.now()
    created = _seed_people()
    created += _seed_profiles(now)
    created += _seed_appointments()
    refused = _refused_attempts(now)
    services.guardian_deadlines_alert(at=now)
    ids = demo_cases().values("pk")
    active = GuardianAppointment.objects.filter(case__in=ids, starts_at__lte=now, ends_at__isnull=True).count()
    overdue = Alert.objects.filter(kind=AlertKind.GUARDIAN_OVERDUE, case__in=ids, done_at__isnull=True).count()
    return DemoGuardianship(created=created, active_appointments=active, refused=tuple(refused), overdue_alerts=overdue)


# --- A request for a guardian, answered (a referral to the guardianship authority) ------------
REQUEST_MARKER = "GUARDIAN-REQUEST-DEMO-01"  # not "DEMO-": the workflow demo counts its own cases by that
REQUEST_PURPOSE = "An unaccompanied girl identified yesterday needs a provisional representative."
GUARDIAN_LANGUAGES = {"joana.lima": ["Portuguese", "French", "English"]}


@dataclass(frozen=True)
class DemoGuardianRequest:
    created: int
    answered_by: str

    def describe(self) -> str:
        return f"Demo guardian request ready ({self.created} records new): answered by {self.answered_by}."


def _request_case(now: datetime) -> tuple[Case, int]:
    case = Case.objects.filter(police_evidence_reference=REQUEST_MARKER).first()
    if case is not None:
        return case, 0
    caseworker = _user("ana.ferreira")
    registration = cases.case_register(
        actor=caseworker,
        agency=Agency.objects.get(name=ALVORA_CHILD_PROTECTION),
        identity=cases.ChildIdentity(given_names="Awa", family_names="Diallo", aliases=(), birth_date=None),
        child_facts={"birth_date_basis": "claimed", "languages": ["French", "Wolof"], "unaccompanied": True},
        case_facts={
            "police_evidence_reference": REQUEST_MARKER,
            "identification_method": Case.IdentificationMethod.HOTLINE,
            "assigned_caseworker": caseworker,
        },
        at=now - timedelta(hours=20),
    )
    return registration.case, 1


@transaction.atomic
def seed_guardian_request(*, now: datetime | None = None) -> DemoGuardianRequest:
    """Ana Ferreira asks the Alvora Guardianship Office for a representative for a newly
    identified girl; Helena Matos, its supervisor, appoints Joana Lima, who speaks her language.
    Needs seed_guardianship first (the profiles). Running it again creates nothing new."""
    now = now or timezone.now()
    created = 0
    for login, languages in GUARDIAN_LANGUAGES.items():
        profile = GuardianProfile.objects.get(user=_user(login))
        if not profile.languages:
            services.guardian_profile_record(
                actor=_user("helena.matos"), guardian=profile.user, trained_on=profile.trained_on,
                training=profile.training, record_checked_on=profile.record_checked_on,
                record_check_valid_until=profile.record_check_valid_until, languages=languages,
            )  # fmt: skip
            created += 1
    case, registered = _request_case(now)
    created += registered
    asked = GuardianRequest.objects.filter(case=case).first()
    if asked is None:
        asked = requests.guardian_request_send(
            actor=_user("ana.ferreira"), case=case, authority=Agency.objects.get(name=ALVORA_OFFICE),
            purpose=REQUEST_PURPOSE, at=now - timedelta(hours=19),
        )  # fmt: skip
        created += 1
    answer = requests.guardian_request_answer(referral=asked)
    if answer is None:
        answer = requests.guardian_request_appoint(
            actor=_user("helena.matos"), referral=asked, guardian=_user("joana.lima"),
            kind=AppointmentKind.PROVISIONAL, at=now - timedelta(hours=16),
        )  # fmt: skip
        created += 1
    return DemoGuardianRequest(created=created, answered_by=str(answer.guardian))
