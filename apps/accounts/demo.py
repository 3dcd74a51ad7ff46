"""A fictional world for development: agencies in two countries, teams and a user per role.

Every name, place and address here is invented. Running it twice changes nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction

from apps.accounts import services
from apps.accounts.models import Agency, AgencyKind, Membership, Role, Team, User

DEMO_PASSWORD = "haven-demo-2026"  # noqa: S105 - printed on purpose, development only
DEMO_DOMAIN = "demo.haven.invalid"
# Demo staff have held their roles for a while: the demo's cases and appointments begin later.
DEMO_SINCE = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str
    agency: str


AGENCIES = [
    # name, kind, country, jurisdiction, time zone, teams
    (
        "Alvora Child Protection Service",
        AgencyKind.CHILD_PROTECTION,
        "PT",
        "Alvora District",
        "Europe/Lisbon",
        ["Intake", "Long-term care"],
    ),
    ("Alvora Guardianship Office", AgencyKind.GUARDIANSHIP_AUTHORITY, "PT", "Alvora District", "Europe/Lisbon", []),
    ("Alvora Police — Child Protection Unit", AgencyKind.POLICE, "PT", "Alvora District", "Europe/Lisbon", []),
    ("National Border and Immigration Service", AgencyKind.IMMIGRATION, "PT", "National", "Europe/Lisbon", []),
    ("Casa Aurora Children's Home", AgencyKind.CARE_PROVIDER, "PT", "Alvora District", "Europe/Lisbon", []),
    ("Harbour Legal Aid", AgencyKind.LEGAL_AID, "PT", "Alvora District", "Europe/Lisbon", []),
    ("Alvora General Hospital — Paediatrics", AgencyKind.HEALTH, "PT", "Alvora District", "Europe/Lisbon", []),
    ("Safe Passage", AgencyKind.NGO_SERVICE_PROVIDER, "PT", "National", "Europe/Lisbon", []),
    (
        "Montalba Child Protection Directorate",
        AgencyKind.CHILD_PROTECTION,
        "ES",
        "Montalba Province",
        "Europe/Madrid",
        ["Unaccompanied minors"],
    ),
    (
        "Montalba Guardianship Council",
        AgencyKind.GUARDIANSHIP_AUTHORITY,
        "ES",
        "Montalba Province",
        "Europe/Madrid",
        [],
    ),
]

PEOPLE = [
    # local part, full name, role, agency, team
    ("ana.ferreira", "Ana Ferreira", Role.CASEWORKER, "Alvora Child Protection Service", "Intake"),
    ("tomas.neves", "Tomás Neves", Role.CASEWORKER, "Alvora Child Protection Service", "Long-term care"),
    ("marta.sousa", "Marta Sousa", Role.SUPERVISOR, "Alvora Child Protection Service", None),
    ("rui.costa", "Rui Costa", Role.AGENCY_ADMIN, "Alvora Child Protection Service", None),
    ("paulo.reis", "Paulo Reis", Role.ANALYST, "Alvora Child Protection Service", None),
    ("ines.duarte", "Inês Duarte", Role.OPERATOR, "Alvora Child Protection Service", None),
    ("joana.lima", "Joana Lima", Role.GUARDIAN, "Alvora Guardianship Office", None),
    ("helena.matos", "Helena Matos", Role.SUPERVISOR, "Alvora Guardianship Office", None),
    ("carla.mendes", "Carla Mendes", Role.PARTNER_STAFF, "Harbour Legal Aid", None),
    ("bruno.alves", "Bruno Alves", Role.PARTNER_STAFF, "Alvora Police — Child Protection Unit", None),
    ("sofia.pinto", "Sofia Pinto", Role.PARTNER_STAFF, "Casa Aurora Children's Home", None),
    ("lucia.romero", "Lucía Romero", Role.CASEWORKER, "Montalba Child Protection Directorate", "Unaccompanied minors"),
    ("javier.ortega", "Javier Ortega", Role.SUPERVISOR, "Montalba Child Protection Directorate", None),
    ("elena.vidal", "Elena Vidal", Role.GUARDIAN, "Montalba Guardianship Council", None),
]


@transaction.atomic
def seed_accounts() -> list[DemoLogin]:
    agencies: dict[str, Agency] = {}
    for name, kind, country, jurisdiction, zone, teams in AGENCIES:
        agency = Agency.objects.filter(name=name).first() or services.agency_create(
            actor=None, name=name, kind=kind, country=country, jurisdiction=jurisdiction, time_zone=zone
        )
        agencies[name] = agency
        for team_name in teams:
            if not Team.objects.filter(agency=agency, name=team_name).exists():
                services.team_create(actor=None, agency=agency, name=team_name)

    logins = []
    for local, full_name, role, agency_name, team_of_person in PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        agency = agencies[agency_name]
        user = User.objects.filter(email=email).first() or services.user_create(
            actor=None, email=email, full_name=full_name, password=DEMO_PASSWORD
        )
        team = Team.objects.get(agency=agency, name=team_of_person) if team_of_person else None
        if not Membership.objects.filter(user=user, agency=agency, role=role, ended_at__isnull=True).exists():
            services.membership_grant(actor=None, user=user, agency=agency, role=role, team=team, at=DEMO_SINCE)
        logins.append(DemoLogin(email=email, name=full_name, role=str(role.label), agency=agency_name))
    return logins
