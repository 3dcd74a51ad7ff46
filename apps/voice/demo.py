"""Fictional records of the child's voice for the demo cases, made only through the services.

Every person, place and word here is invented. Needs the demo accounts and cases
(apps.accounts.demo.seed_accounts, apps.cases.demo.seed_cases); run after seed_age, which
records the views the age assessment it opens needs. Interpreters with their declarations of
independence, communication profiles, information sessions, the views of children heard (one
objecting to a move) and, for a toddler found with an older child, why she could not be heard
and what was tried. Running it again creates nothing: each record is looked for first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, Team, User
from apps.cases import htcds
from apps.cases.demo import ALVORA, MARKER_PREFIX, MONTALBA, STAFF, demo_cases
from apps.cases.models import Case
from apps.cases.services import ChildIdentity, case_register
from apps.voice import services
from apps.voice.models import (
    ChildViews,
    CommunicationProfile,
    Gender,
    GenderPreference,
    HowExpressed,
    InformationSession,
    Interpreter,
    InterpreterDeclaration,
    NotHeardReason,
    SessionFormat,
    SessionMaterial,
    SessionTopic,
    ViewsDecision,
)

# The one demo child too young to give views in words: found with ALV-03, in the same flat.
# Marked apart from the demo cases (apps.cases.demo counts those, state by state).
TODDLER = "VOICE-DEMO-01"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class DemoVoice:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    interpreters: int
    sessions: int
    heard: int
    not_heard: int
    objections: int

    def describe(self) -> str:
        return (
            f"Demo voice records ready ({self.created} new): {self.interpreters} interpreters, {self.sessions} "
            f"information sessions, {self.heard} views heard ({self.objections} objecting), {self.not_heard} not "
            "heard with the reasons and the method tried."
        )


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _case(key: str) -> Case | None:
    return (
        demo_cases().select_related("child", "owning_agency").filter(police_evidence_reference=f"{MARKER_PREFIX}{key}")
    ).first()


def _worker(case: Case) -> User:
    if case.assigned_caseworker is not None:
        return case.assigned_caseworker
    return _user(STAFF[case.owning_agency.name].supervisor)


class _Seeder:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.created = 0

    def once(self, exists: bool, make: Callable[[], object]) -> None:
        if not exists:
            make()
            self.created += 1

    def interpreter(self, roster: str, name: str, **values: object) -> Interpreter:
        agency = Agency.objects.get(name=roster)
        found = Interpreter.objects.filter(roster_agency=agency, name=name).first()
        if found is not None:
            return found
        self.created += 1
        supervisor = _user(STAFF[roster].supervisor)
        return services.interpreter_register(
            actor=supervisor, agency=agency, name=name, at=self.now - 200 * DAY,
            **values,  # type: ignore[arg-type]
        )  # fmt: skip

    def declared(self, interpreter: Interpreter, case: Case, days: int) -> None:
        exists = InterpreterDeclaration.objects.filter(interpreter=interpreter, case=case).exists()
        self.once(exists, lambda: services.interpreter_declaration_record(
            actor=_worker(case), interpreter=interpreter, case=case, at=self.now - days * DAY,
        ))  # fmt: skip

    def profile(self, case: Case, **values: object) -> None:
        exists = CommunicationProfile.objects.filter(case=case).exists()
        self.once(exists, lambda: services.communication_profile_set(
            actor=_worker(case), case=case, at=self.now - 20 * DAY, **values,  # type: ignore[arg-type]
        ))  # fmt: skip

    def session(self, case: Case, days: int, **values: object) -> None:
        exists = InformationSession.objects.filter(case=case).exists()
        moment = self.now - days * DAY
        self.once(exists, lambda: services.information_session_record(
            actor=_worker(case), case=case, held_at=moment, at=moment, **values,  # type: ignore[arg-type]
        ))  # fmt: skip

    def views(self, case: Case, decision: str, days: int, **values: object) -> None:
        exists = ChildViews.records.filter(case=case, decision=decision).exists()
        self.once(exists, lambda: services.child_views_record(
            actor=_worker(case), case=case, decision=decision, at=self.now - days * DAY,
            **values,  # type: ignore[arg-type]
        ))  # fmt: skip


def _toddler(now: datetime) -> Case:
    """A fictional toddler found in the flat with ALV-03; registered once, as a demo case."""
    found = Case.objects.filter(police_evidence_reference=TODDLER).first()
    if found is not None:
        return found
    agency = Agency.objects.get(name=ALVORA)
    login, team = STAFF[ALVORA].intake
    caseworker = _user(login)
    registered = case_register(
        actor=caseworker,
        agency=agency,
        identity=ChildIdentity(
            given_names="",
            aliases=("Little one",),
            birth_date=date(now.year - 2, 6, 1),
            address="Emergency foster family, Alvora (address with the placement team)",
        ),
        child_facts={
            "sex": htcds.Sex.FEMALE,
            "birth_date_basis": "estimated",
            "languages": ["English"],
            "unaccompanied": True,
        },
        case_facts={
            "identification_method": Case.IdentificationMethod.HOTLINE,
            "scope": Case.Scope.UNKNOWN,
            "exploitation_forms": [htcds.ExploitationForm.NOT_YET_DISCLOSED],
            "team": Team.objects.get(agency=agency, name=team),
            "assigned_caseworker": caseworker,
            "police_evidence_reference": TODDLER,
            "protection_needs": "Fictional: a foster family used to very young children; medical check done.",
        },
        at=now - 2 * DAY,
    )
    return registered.case


@transaction.atomic
def seed_voice(*, now: datetime | None = None) -> DemoVoice:
    """Interpreters, profiles, sessions and views for the demo cases (idempotent)."""
    now = now or timezone.now()
    seed = _Seeder(now)

    darija = seed.interpreter(ALVORA, "Samira Idrissi (fictional)", languages=["Arabic"], dialects=["Darija"],
                              gender=Gender.FEMALE, freelance=True)  # fmt: skip
    ukrainian = seed.interpreter(ALVORA, "Oleh Marchenko (fictional)", languages=["Ukrainian", "Russian"],
                                 gender=Gender.MALE, agency_name="Lingua Ponte Interpreting (fictional)")  # fmt: skip
    montalba_darija = seed.interpreter(MONTALBA, "Nadia Benkirane (fictional)", languages=["Arabic", "French"],
                                       dialects=["Darija"], gender=Gender.FEMALE, freelance=True)  # fmt: skip

    muhammad = _case("ALV-02")
    if muhammad is not None:
        seed.declared(darija, muhammad, days=30)
        seed.profile(muhammad, preferred_language="Arabic", preferred_dialect="Darija",
                     preferred_interviewer_gender=GenderPreference.MALE)  # fmt: skip
        seed.session(
            muhammad, days=14, topics=[SessionTopic.RIGHTS, SessionTopic.AGE_ASSESSMENT, SessionTopic.GUARDIANSHIP,
                                       SessionTopic.COMPLAINTS],
            language="Arabic", dialect="Darija", interpreter=darija, format=SessionFormat.IN_PERSON,
            held_by_gender=Gender.MALE, materials=[SessionMaterial.LEAFLET],
            gender_reason="The only Darija interpreter free that week is a woman; he said he was fine with her.",
            understanding="He explained back, in his words, that he may refuse an X-ray and that refusing changes "
            "nothing about his care.",
        )  # fmt: skip

    aicha = _case("ALV-01")
    if aicha is not None:
        seed.declared(darija, aicha, days=35)
        seed.profile(aicha, preferred_language="Arabic", preferred_dialect="Darija",
                     preferred_interviewer_gender=GenderPreference.FEMALE)  # fmt: skip
        seed.session(
            aicha, days=33, topics=[SessionTopic.RIGHTS, SessionTopic.PLACEMENT, SessionTopic.SERVICES],
            language="Arabic", dialect="Darija", interpreter=darija, format=SessionFormat.IN_PERSON,
            held_by_gender=Gender.FEMALE, materials=[SessionMaterial.PICTURES],
            understanding="She drew the foster home and the school and said which one the guardian would visit.",
        )  # fmt: skip
        seed.views(
            aicha, ViewsDecision.PLACEMENT_CHANGE, days=10, heard=True, interpreter=darija, language="Arabic",
            how_expressed=HowExpressed.SPOKEN, heard_by_gender=Gender.FEMALE, objects=True,
            views="She does not want to leave the foster family: she feels safe there and has started school.",
        )  # fmt: skip

    oksana = _case("MON-03")
    if oksana is not None:
        seed.declared(ukrainian, oksana, days=60)
        seed.session(
            oksana, days=55, topics=[SessionTopic.RIGHTS, SessionTopic.CRIMINAL_PROCEEDINGS,
                                     SessionTopic.INTERNATIONAL_PROTECTION],
            language="Ukrainian", interpreter=ukrainian, format=SessionFormat.VIDEO,
            understanding="She asked what a statement to the police would mean for her aunt, and said it back.",
        )  # fmt: skip
        seed.views(
            oksana, ViewsDecision.PLACEMENT_CHANGE, days=50, heard=True, interpreter=ukrainian, language="Ukrainian",
            how_expressed=HowExpressed.WRITTEN, objects=False,
            views="She wrote that she wants to stay with her aunt's family and keep her school in Montalba.",
        )  # fmt: skip

    mohamed = _case("MON-01")
    if mohamed is not None:
        seed.declared(montalba_darija, mohamed, days=40)
        seed.session(
            mohamed, days=38, topics=[SessionTopic.RIGHTS, SessionTopic.OPTIONS, SessionTopic.GUARDIANSHIP],
            language="Arabic", dialect="Darija", interpreter=montalba_darija, format=SessionFormat.TELEPHONE,
            understanding="He repeated who his guardian is and how to reach her, and asked about school.",
        )  # fmt: skip

    toddler = _toddler(now)
    seed.views(
        toddler, ViewsDecision.PLACEMENT_CHANGE, days=1, heard=False,
        not_heard_reasons=[NotHeardReason.CHILD_AGE, NotHeardReason.COMMUNICATION],
        method_tried="Observed at play with her foster carer and a child psychologist, with picture cards of the "
        "two homes; she is too young to say which she prefers, and stays close to the carer.",
    )  # fmt: skip

    ids = Case.objects.filter(Q(pk__in=demo_cases().values("pk")) | Q(pk=toddler.pk)).values("pk")
    views = ChildViews.records.filter(case__in=ids)
    return DemoVoice(
        created=seed.created,
        interpreters=Interpreter.objects.filter(roster_agency__name__in=[ALVORA, MONTALBA]).count(),
        sessions=InformationSession.objects.filter(case__in=ids).count(),
        heard=views.filter(heard=True).count(),
        not_heard=views.filter(heard=False).count(),
        objections=views.filter(objects=True).count(),
    )
