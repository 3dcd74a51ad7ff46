"""A fictional world for development: agencies in two countries, teams and a user per role.

Every name, place and address here is invented. Running it twice changes nothing.

Roles are granted as they would be in production: a role that reaches case data is asked
for and then approved by a second person (DOMAIN "Who is who"). Alvora's child-protection
service is the root: the installation makes Rui Costa its administrator, asks for Marta
Sousa's supervisor role and Rui approves it; Rui then asks for his caseworkers' roles and
Marta approves them. The other agencies have no administrator of their own in the demo:
each names a partner agency whose supervisor approves its grants (Alvora's service for
the Alvora agencies and for Montalba's directorate, Montalba's directorate for its
guardianship council), as a small agency may.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction

from apps.accounts import services
from apps.accounts.models import CASE_DATA_ROLES, Agency, AgencyKind, Membership, Role, Team, User

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


ROOT_AGENCY = "Alvora Child Protection Service"
ROOT_ADMIN = "rui.costa"
ROOT_SUPERVISOR = "marta.sousa"
# agency -> the partner agency whose supervisor approves its role grants
APPROVER_AGENCIES = {
    "Alvora Guardianship Office": ROOT_AGENCY,
    "Alvora Police — Child Protection Unit": ROOT_AGENCY,
    "National Border and Immigration Service": ROOT_AGENCY,
    "Casa Aurora Children's Home": ROOT_AGENCY,
    "Harbour Legal Aid": ROOT_AGENCY,
    "Alvora General Hospital — Paediatrics": ROOT_AGENCY,
    "Safe Passage": ROOT_AGENCY,
    "Montalba Child Protection Directorate": ROOT_AGENCY,
    "Montalba Guardianship Council": "Montalba Child Protection Directorate",
}
# The supervisor of each approver agency (who approves for the agencies naming it).
APPROVER_SUPERVISORS = {
    ROOT_AGENCY: "marta.sousa",
    "Montalba Child Protection Directorate": "javier.ortega",
}


def demo_user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def demo_grant(*, user: User, agency: Agency, role: str, team: Team | None = None) -> bool:
    """Grant a demo role through the real path, once: asked for by the agency's administrator
    (or the installation), approved by a second person. Returns whether anything was written."""
    current = Membership.objects.filter(user=user, agency=agency, role=role, ended_at__isnull=True).first()
    if current is not None and not current.is_pending:
        return False
    if current is None:
        admin = (
            Membership.objects.active()
            .filter(agency=agency, role=Role.AGENCY_ADMIN)
            .exclude(user=user)
            .order_by("started_at", "pk")
            .first()
        )
        # The root supervisor is asked for by the installation (her administrator approves her);
        # so is an operator, whom only the installation or another operator makes.
        by_installation = role == Role.OPERATOR or user.email == f"{ROOT_SUPERVISOR}@{DEMO_DOMAIN}"
        asker = admin.user if admin is not None and not by_installation else None
        current = services.membership_grant(actor=asker, user=user, agency=agency, role=role, team=team, at=DEMO_SINCE)
    if role in CASE_DATA_ROLES:
        services.membership_approve(actor=_approver_for(current), membership=current, at=DEMO_SINCE)
    return True


def _approver_for(membership: Membership) -> User:
    agency = membership.agency
    if agency.name == ROOT_AGENCY:
        # Rui approves Marta (asked for by the installation); Marta approves what Rui asks for.
        local = ROOT_ADMIN if membership.user.email == f"{ROOT_SUPERVISOR}@{DEMO_DOMAIN}" else ROOT_SUPERVISOR
        return demo_user(local)
    partner = agency.approver_agency
    if partner is None:
        raise LookupError(f"{agency.name} names no approver agency")
    return demo_user(APPROVER_SUPERVISORS[partner.name])


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
    for name, partner in APPROVER_AGENCIES.items():
        if agencies[name].approver_agency_id != agencies[partner].pk:
            agencies[name] = services.agency_approver_name(
                actor=None, agency=agencies[name], approver_agency=agencies[partner]
            )

    users: dict[str, User] = {}
    for local, full_name, _role, _agency_name, _team in PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        users[local] = User.objects.filter(email=email).first() or services.user_create(
            actor=None, email=email, full_name=full_name, password=DEMO_PASSWORD
        )
    # The root first: its administrator, then its supervisor, who approves for the others.
    order = sorted(PEOPLE, key=lambda p: (p[0] != ROOT_ADMIN, p[0] != ROOT_SUPERVISOR, p[3] != ROOT_AGENCY))
    # Montalba's directorate approves for its council: its supervisor comes before the council.
    order.sort(key=lambda p: p[3] == "Montalba Guardianship Council")
    for local, _full_name, role, agency_name, team_of_person in order:
        agency = agencies[agency_name]
        team = Team.objects.get(agency=agency, name=team_of_person) if team_of_person else None
        demo_grant(user=users[local], agency=agency, role=role, team=team)
    return [
        DemoLogin(email=f"{local}@{DEMO_DOMAIN}", name=full_name, role=str(role.label), agency=agency_name)
        for local, full_name, role, agency_name, _team in PEOPLE
    ]
