"""Fictional children and their cases for the demo world, in every state of the workflow.

Every child, name, place and story here is invented. Cases are made only through the
services: registered, then moved step by step along the workflow with a reason, as a
caseworker would. Some children are written two ways on purpose ("Muhammad Al-Amin" and
"Mohamed Alamin" in two countries, "Aïcha" and "Aicha Benali", a child known only by an
alias, birth years one apart) so that duplicate detection has something to find.

Each demo case carries a stable demo evidence reference, so that running the seeder again
finds it instead of registering the child twice. No name is stored in plain text anywhere.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, Team, User
from apps.cases import htcds, services
from apps.cases.models import Case, CaseState, PossibleDuplicateNotice

S = CaseState
Method = Case.IdentificationMethod
Scope = Case.Scope
Tech = Case.TechnologyUse
Form = htcds.ExploitationForm
Control = htcds.ControlMethod
Recruited = htcds.RecruitmentMethod
Relation = htcds.RelationshipToTrafficker
Status = htcds.IdentificationStatus

ALVORA = "Alvora Child Protection Service"
MONTALBA = "Montalba Child Protection Directorate"
MARKER_PREFIX = "DEMO-"


@dataclass(frozen=True)
class Staff:
    """Who registers an agency's demo cases, who takes them on for the long term, who supervises."""

    intake: tuple[str, str]  # (login, team)
    supervisor: str
    long_term: tuple[str, str] | None = None


STAFF = {
    ALVORA: Staff(
        intake=("ana.ferreira", "Intake"), long_term=("tomas.neves", "Long-term care"), supervisor="marta.sousa"
    ),
    MONTALBA: Staff(intake=("lucia.romero", "Unaccompanied minors"), supervisor="javier.ortega"),
}

# The workflow's main path: (transition, state it leads to, the reason recorded).
STEPS: list[tuple[str, CaseState, str]] = [
    (
        "start_protection",
        S.PROTECTION,
        "Emergency placement arranged, guardian requested and the recovery and reflection period started.",
    ),
    ("start_assessment", S.ASSESSMENT, "Settled in the placement; needs assessment begun with the guardian present."),
    ("start_support", S.SUPPORT, "Assessment completed; individual support plan agreed with the child and guardian."),
    (
        "seek_durable_solution",
        S.DURABLE_SOLUTION,
        "Support plan stable; best-interests determination opened to find a durable solution.",
    ),
    ("implement_solution", S.IMPLEMENTATION, "Best-interests determination approved; putting the solution in place."),
    ("start_follow_up", S.FOLLOW_UP, "Solution in place; follow-up visits scheduled with the receiving service."),
    ("move_to_aftercare", S.AFTERCARE, "Follow-up completed; aftercare support continues at the young person's wish."),
    ("close", S.CLOSED, "Aftercare plan completed; case closed with the young person's agreement."),
]
ORDER: list[CaseState] = [S.REGISTERED, *(target for _, target, _ in STEPS)]


@dataclass(frozen=True)
class DemoChild:
    key: str
    agency: str
    target: CaseState
    days_ago: int  # when the child was identified
    identity: services.ChildIdentity
    child_facts: Mapping[str, Any]
    case_facts: Mapping[str, Any] = field(default_factory=dict)


def _identity(
    given: str, family: str, *, born: date | None, aliases: tuple[str, ...] = (), **rest: str
) -> services.ChildIdentity:
    return services.ChildIdentity(given_names=given, family_names=family, aliases=aliases, birth_date=born, **rest)


# Registered in this order: the first of each pair of look-alikes exists when the second comes.
DEMO_CHILDREN: list[DemoChild] = [
    DemoChild(
        key="MON-01",
        agency=MONTALBA,
        target=S.ASSESSMENT,
        days_ago=160,
        identity=_identity(
            "Mohamed",
            "Alamin",
            born=date(2009, 3, 12),
            gender_identity=htcds.Gender.MASCULINE,
            contacts="An older cousin, reachable only through the directorate's interpreter service.",
            address="La Atalaya reception centre, Montalba",
            family_situation="Parents and three younger siblings in the country of origin; regular video calls.",
        ),
        child_facts={
            "sex": htcds.Sex.MALE,
            "birth_date_basis": "claimed",
            "nationalities": ["MA"],
            "languages": ["Arabic (Darija)", "French"],
            "country_of_origin": "MA",
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Method.BORDER,
            "identification_status": Status.IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_CRIMINALITY],
            "control_methods": [Control.DEBT_BONDAGE, Control.THREATENS_FAMILY],
            "recruitment_methods": [Recruited.FRIENDS],
            "relationship_to_trafficker": Relation.ACQUAINTED,
            "technology_uses": [Tech.CONTROL],
            "exploitation_narrative": "Promised building work by an older acquaintance. On arrival he was told he "
            "owed the cost of the crossing and was made to carry and sell stolen phones near the bus station.",
            "suspects": "Two adult men known to him only by nicknames; one drives a grey van. Police informed.",
            "protection_needs": "Placement away from the bus station area; no contact with the men who brought him.",
            "health_notes": "Healed fracture of the left wrist, never treated. Sleeps badly.",
        },
    ),
    DemoChild(
        key="ALV-01",
        agency=ALVORA,
        target=S.PROTECTION,
        days_ago=40,
        identity=_identity(
            "Aïcha",
            "Benali",
            born=date(2011, 5, 4),
            gender_identity=htcds.Gender.FEMININE,
            contacts="None she wishes to be contacted yet.",
            address="Emergency foster family, Alvora (address with the placement team)",
            family_situation="Sent abroad by her parents to live with a distant relative; parents not yet reached.",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "claimed",
            "nationalities": ["MA"],
            "languages": ["Arabic (Darija)", "French"],
            "country_of_origin": "MA",
            "separated": True,
        },
        case_facts={
            "identification_method": Method.HEALTH,
            "identification_status": Status.PRESUMED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.SERVITUDE],
            "control_methods": [Control.WITHHOLDS_DOCUMENTS, Control.EXCESSIVE_WORKING_HOURS],
            "recruitment_methods": [Recruited.FAMILY],
            "relationship_to_trafficker": Relation.FAMILIAL,
            "exploitation_narrative": "Kept at home to cook, clean and look after small children from early "
            "morning until late at night; never enrolled in school. Brought to the hospital with a burn.",
            "suspects": "The adult relative she lived with and that relative's husband.",
            "protection_needs": "No contact with the household; a guardian; school enrolment.",
            "health_notes": "Second-degree burn on the forearm, healing. Underweight.",
        },
    ),
    DemoChild(
        key="MON-02",
        agency=MONTALBA,
        target=S.REGISTERED,
        days_ago=5,
        identity=_identity(
            "Aicha",
            "Benali",
            born=date(2012, 1, 1),
            gender_identity=htcds.Gender.FEMININE,
            address="La Atalaya reception centre, Montalba",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "estimated",
            "nationalities": ["MA"],
            "languages": ["Arabic (Darija)"],
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Method.OUTREACH,
            "exploitation_forms": [Form.NOT_YET_DISCLOSED],
            "exploitation_narrative": "Found alone at the coach station at night by an outreach worker; says she "
            "came from Portugal and does not want to go back to the house where she lived.",
            "risk_level": Case.RiskLevel.CRITICAL,
        },
    ),
    DemoChild(
        key="ALV-02",
        agency=ALVORA,
        target=S.SUPPORT,
        days_ago=120,
        identity=_identity(
            "Muhammad",
            "Al-Amin",
            born=date(2010, 6, 30),
            gender_identity=htcds.Gender.MASCULINE,
            address="Casa Aurora Children's Home, Alvora",
            family_situation="Says he has family in the country of origin; tracing requested.",
        ),
        child_facts={
            "sex": htcds.Sex.MALE,
            "birth_date_basis": "claimed",
            "nationalities": ["MA"],
            "languages": ["Arabic (Darija)", "Spanish"],
            "country_of_origin": "MA",
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Method.POLICE,
            "identification_status": Status.IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_CRIMINALITY],
            "control_methods": [Control.DEBT_BONDAGE],
            "relationship_to_trafficker": Relation.ACQUAINTED,
            "exploitation_narrative": "Stopped by police with other boys in a storage unit full of stolen goods. "
            "Says he came from Spain after being told his debt had been sold on.",
            "suspects": "An adult who collected the goods every evening; description given to the police.",
            "protection_needs": "A placement outside the city centre; a guardian who speaks Arabic or Spanish.",
        },
    ),
    DemoChild(
        key="ALV-03",
        agency=ALVORA,
        target=S.REGISTERED,
        days_ago=2,
        identity=_identity(
            "",
            "",
            born=date(2013, 1, 1),
            aliases=("Kiki",),
            gender_identity=htcds.Gender.FEMININE,
            address="Casa Aurora Children's Home, Alvora",
        ),
        child_facts={"sex": htcds.Sex.FEMALE, "birth_date_basis": "estimated", "languages": ["English"]},
        case_facts={
            "identification_method": Method.HOTLINE,
            "exploitation_forms": [Form.NOT_YET_DISCLOSED],
            "exploitation_narrative": "Hotline call from a neighbour about a young girl who never leaves a flat "
            "above a nail salon. Gives only the name she is called by.",
        },
    ),
    DemoChild(
        key="ALV-04",
        agency=ALVORA,
        target=S.ASSESSMENT,
        days_ago=75,
        identity=_identity(
            "Fatoumata",
            "Diallo",
            born=date(2010, 9, 18),
            aliases=("Fanta",),
            gender_identity=htcds.Gender.FEMININE,
            address="Casa Aurora Children's Home, Alvora",
            family_situation="Parents arranged a marriage abroad; contact with them suspended.",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "claimed",
            "nationalities": ["GN"],
            "languages": ["French", "Pular"],
            "country_of_origin": "GN",
            "separated": True,
            "parents_implicated": True,
            "parents_conflict_of_interest": True,
        },
        case_facts={
            "identification_method": Method.OUTREACH,
            "identification_status": Status.IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_MARRIAGE, Form.SERVITUDE],
            "control_methods": [Control.THREATENS_FAMILY, Control.WITHHOLDS_DOCUMENTS],
            "recruitment_methods": [Recruited.FAMILY],
            "relationship_to_trafficker": Relation.FAMILIAL,
            "exploitation_narrative": "Brought over to be married to an adult man and to keep his house. Asked a "
            "stranger at a market for help; the stranger called an outreach service.",
            "suspects": "The man she was to marry and the aunt who arranged the journey.",
            "protection_needs": "No contact with the family while the risk is assessed.",
        },
    ),
    DemoChild(
        key="MON-03",
        agency=MONTALBA,
        target=S.SUPPORT,
        days_ago=200,
        identity=_identity(
            "Oksana",
            "Melnyk",
            born=date(2010, 12, 3),
            gender_identity=htcds.Gender.FEMININE,
            address="Foster family, Montalba (address with the placement team)",
            family_situation="Mother alive, displaced; in touch weekly through the Red Cross.",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "documented",
            "nationalities": ["UA"],
            "languages": ["Ukrainian", "Russian"],
            "country_of_origin": "UA",
            "separated": True,
        },
        case_facts={
            "identification_method": Method.LABOUR_INSPECTION,
            "identification_status": Status.FORMALLY_IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_LABOUR],
            "control_methods": [Control.TAKES_EARNINGS, Control.EXCESSIVE_WORKING_HOURS],
            "recruitment_methods": [Recruited.ONLINE_ADVERTISEMENT],
            "relationship_to_trafficker": Relation.UNACQUAINTED,
            "technology_uses": [Tech.RECRUITMENT],
            "exploitation_narrative": "Answered an online offer of au pair work; made to work in a restaurant "
            "kitchen twelve hours a day without pay.",
            "suspects": "The restaurant's manager; the agency that placed the advertisement.",
        },
    ),
    DemoChild(
        key="ALV-05",
        agency=ALVORA,
        target=S.DURABLE_SOLUTION,
        days_ago=240,
        identity=_identity(
            "Bogdan",
            "Rusu",
            born=date(2009, 9, 2),
            aliases=("Dani",),
            gender_identity=htcds.Gender.MASCULINE,
            address="Casa Aurora Children's Home, Alvora",
            family_situation="Grandmother in the country of origin asks for him to live with her.",
        ),
        child_facts={
            "sex": htcds.Sex.MALE,
            "birth_date_basis": "documented",
            "nationalities": ["RO"],
            "languages": ["Romanian", "Portuguese"],
            "country_of_origin": "RO",
            "separated": True,
            "parents_implicated": True,
        },
        case_facts={
            "identification_method": Method.POLICE,
            "identification_status": Status.FORMALLY_IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_BEGGING, Form.FORCED_CRIMINALITY],
            "control_methods": [Control.PHYSICAL_ABUSE, Control.TAKES_EARNINGS],
            "recruitment_methods": [Recruited.FAMILY],
            "relationship_to_trafficker": Relation.FAMILIAL,
            "exploitation_narrative": "Made by an uncle to beg at traffic lights and to pick pockets on trams; "
            "beaten when he brought back too little.",
            "suspects": "His uncle and the uncle's partner; both charged.",
        },
    ),
    DemoChild(
        key="ALV-06",
        agency=ALVORA,
        target=S.IMPLEMENTATION,
        days_ago=330,
        identity=_identity(
            "Blessing",
            "Osagie",
            born=date(2009, 1, 22),
            aliases=("Precious",),
            gender_identity=htcds.Gender.FEMININE,
            address="Supported flat run by Safe Passage, Alvora",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "claimed",
            "nationalities": ["NG"],
            "languages": ["English", "Edo"],
            "country_of_origin": "NG",
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Method.ONLINE,
            "identification_status": Status.FORMALLY_IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.SEXUAL_EXPLOITATION],
            "control_methods": [Control.DEBT_BONDAGE, Control.PSYCHOLOGICAL_ABUSE, Control.WITHHOLDS_DOCUMENTS],
            "recruitment_methods": [Recruited.FRIENDS],
            "relationship_to_trafficker": Relation.ACQUAINTED,
            "technology_uses": [Tech.ONLINE_EXPLOITATION, Tech.CONTROL],
            "exploitation_narrative": "Promised a place at a hairdressing school; made to swear an oath and told she "
            "owed a large debt. Found through advertisements the police were monitoring.",
            "suspects": "A woman who ran the flat and a man who brought her across two borders.",
            "protection_needs": "Address kept from everyone outside the case; escort to court hearings.",
        },
    ),
    DemoChild(
        key="ALV-07",
        agency=ALVORA,
        target=S.FOLLOW_UP,
        days_ago=400,
        identity=_identity(
            "Văn Minh",
            "Trần",
            born=date(2009, 4, 21),
            gender_identity=htcds.Gender.MASCULINE,
            address="Foster family, Alvora (address with the placement team)",
        ),
        child_facts={
            "sex": htcds.Sex.MALE,
            "birth_date_basis": "claimed",
            "nationalities": ["VN"],
            "languages": ["Vietnamese"],
            "country_of_origin": "VN",
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Method.POLICE,
            "identification_status": Status.FORMALLY_IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_CRIMINALITY],
            "control_methods": [Control.DEBT_BONDAGE, Control.THREATENS_FAMILY],
            "relationship_to_trafficker": Relation.UNACQUAINTED,
            "exploitation_narrative": "Found locked inside a house where cannabis was grown; had been kept there "
            "for months to water the plants. Not charged: the prosecutor accepted he was exploited.",
            "suspects": "Men who visited the house once a week; under investigation.",
        },
    ),
    DemoChild(
        key="ALV-08",
        agency=ALVORA,
        target=S.AFTERCARE,
        days_ago=520,
        identity=_identity(
            "Jéssica",
            "Marques",
            born=date(2009, 7, 9),
            gender_identity=htcds.Gender.FEMININE,
            address="With her mother, Alvora",
            family_situation="Lives with her mother and younger brother; the family is supported at home.",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "documented",
            "nationalities": ["PT"],
            "languages": ["Portuguese"],
        },
        case_facts={
            "identification_method": Method.SCHOOL,
            "identification_status": Status.FORMALLY_IDENTIFIED,
            "scope": Scope.INTERNAL,
            "exploitation_forms": [Form.SEXUAL_EXPLOITATION],
            "control_methods": [Control.PSYCHOLOGICAL_ABUSE, Control.PSYCHOACTIVE_SUBSTANCE],
            "recruitment_methods": [Recruited.ONLINE_SOCIAL_NETWORKS],
            "relationship_to_trafficker": Relation.ACQUAINTED,
            "technology_uses": [Tech.RECRUITMENT, Tech.ONLINE_EXPLOITATION],
            "exploitation_narrative": "Groomed online by an older 'boyfriend' who then sold her to other men. A "
            "teacher noticed the absences and the new phone.",
            "suspects": "The 'boyfriend' and two associates; convicted.",
        },
    ),
    DemoChild(
        key="ALV-09",
        agency=ALVORA,
        target=S.CLOSED,
        days_ago=700,
        identity=_identity(
            "Ionuț",
            "Stoica",
            born=date(2007, 2, 11),
            gender_identity=htcds.Gender.MASCULINE,
            address="Returned to his family, with the receiving service's support",
        ),
        child_facts={
            "sex": htcds.Sex.MALE,
            "birth_date_basis": "documented",
            "nationalities": ["RO"],
            "languages": ["Romanian"],
            "country_of_origin": "RO",
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Method.LABOUR_INSPECTION,
            "identification_status": Status.FORMALLY_IDENTIFIED,
            "scope": Scope.TRANSNATIONAL,
            "exploitation_forms": [Form.FORCED_LABOUR],
            "control_methods": [Control.TAKES_EARNINGS, Control.WITHHOLDS_NECESSITIES],
            "recruitment_methods": [Recruited.PLACE_OF_BUSINESS],
            "relationship_to_trafficker": Relation.UNACQUAINTED,
            "exploitation_narrative": "Picked fruit with adult workers for a gangmaster who kept his wages and "
            "housed them in a container.",
            "suspects": "The gangmaster; convicted.",
        },
    ),
]


@dataclass(frozen=True)
class DemoCases:
    """What the demo holds afterwards: counts only, never a name."""

    created: int
    by_state: dict[str, int]
    duplicate_notices: int

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    def describe(self) -> str:
        states = ", ".join(f"{S(state).label} {count}" for state, count in self.by_state.items())
        return (
            f"Demo cases ready: {self.total} ({self.created} new) — {states}; "
            f"{self.duplicate_notices} possible-duplicate notices."
        )


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _team(agency: Agency, name: str) -> Team:
    return Team.objects.get(agency=agency, name=name)


def _register(demo: DemoChild, at: datetime) -> Case:
    agency = Agency.objects.get(name=demo.agency)
    login, team = STAFF[demo.agency].intake
    caseworker = _user(login)
    facts = {
        "team": _team(agency, team),
        "assigned_caseworker": caseworker,
        "police_evidence_reference": f"{MARKER_PREFIX}{demo.key}",
        **demo.case_facts,
    }
    if demo.target != S.REGISTERED:
        facts.setdefault("reflection_period_start", at.date())
        facts.setdefault("reflection_period_end", at.date() + timedelta(days=90))
    registration = services.case_register(
        actor=caseworker,
        agency=agency,
        identity=demo.identity,
        child_facts=demo.child_facts,
        case_facts=facts,
        at=at,
    )
    return registration.case


def _hand_over(demo: DemoChild, case: Case) -> Case:
    """The supervisor gives the case to the long-term team once support begins."""
    staff = STAFF[demo.agency]
    if staff.long_term is None:
        return case
    login, team = staff.long_term
    return services.case_assign(
        actor=_user(staff.supervisor),
        case=case,
        expected_version=case.version,
        team=_team(case.owning_agency, team),
        caseworker=_user(login),
    )


# Beyond a durable solution the moves need what the solutions gates ask for (a decided and
# implemented solution, follow-ups): apps.solutions.demo.seed_solutions records it and takes
# these cases on to their targets.
CASES_STOP_AT = S.DURABLE_SOLUTION


def seeded_state(demo: DemoChild) -> CaseState:
    """The state seed_cases brings a demo case to: its target, or where the solutions take over."""
    return min(demo.target, CASES_STOP_AT, key=ORDER.index)


def _advance(demo: DemoChild, case: Case, registered_at: datetime, now: datetime) -> None:
    """Walk the case from where it is to the demo's state, one transition at a time."""
    gap = (now - registered_at) / (len(STEPS) + 1)
    while ORDER.index(S(case.state)) < ORDER.index(seeded_state(demo)):
        step = ORDER.index(S(case.state))
        name, target, reason = STEPS[step]
        if target == S.SUPPORT:
            case = _hand_over(demo, case)
        case = services.case_transition(
            # Closure is a supervisor's approval; the caseworker makes every other move.
            actor=_user(STAFF[demo.agency].supervisor)
            if name == "close" or case.assigned_caseworker is None
            else case.assigned_caseworker,
            case=case,
            transition=name,
            expected_version=case.version,
            reason=reason,
            at=registered_at + gap * (step + 1),
        )


def demo_cases() -> QuerySet[Case]:
    return Case.objects.filter(police_evidence_reference__startswith=MARKER_PREFIX)


@transaction.atomic
def seed_cases(*, now: datetime | None = None) -> DemoCases:
    """Register the demo children not registered yet and bring every demo case to its state.

    Needs the demo agencies and users (apps.accounts.demo.seed_accounts). Running it again
    creates nothing.
    """
    now = now or timezone.now()
    created = 0
    for demo in DEMO_CHILDREN:
        registered_at = now - timedelta(days=demo.days_ago)
        case = (
            demo_cases()
            .select_related("child", "owning_agency")
            .filter(police_evidence_reference=f"{MARKER_PREFIX}{demo.key}")
            .first()
        )
        if case is None:
            case = _register(demo, registered_at)
            created += 1
        _advance(demo, case, registered_at, now)
    counts = dict(demo_cases().order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    ids = list(demo_cases().values_list("pk", flat=True))
    notices = PossibleDuplicateNotice.objects.filter(new_case_id__in=ids).count()
    return DemoCases(
        created=created,
        by_state={state: counts[state] for state in S.values if state in counts},
        duplicate_notices=notices,
    )
