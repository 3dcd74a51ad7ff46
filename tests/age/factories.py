"""A child's case with its people, and the steps of an age assessment, made through the services."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from apps.accounts.models import Membership, User
from apps.age import services
from apps.age.models import AgeAssessment, MethodKind, MethodOutcome, ResultGround
from apps.age.rules import Consent, Professional
from apps.cases.models import Case
from apps.cases.services import child_identity_update
from apps.guardianship.models import AppointmentKind, DecisionKind
from apps.guardianship.services import guardian_appoint, guardian_opinion_record
from apps.voice.models import HowExpressed, ViewsDecision
from apps.voice.services import child_views_record
from tests.accounts.factories import AgencyFactory, TeamFactory
from tests.cases.factories import caseworker_in, read_identity, register, supervisor_in
from tests.guardianship.factories import eligible_guardian

# A fixed moment: every step of a story is dated from it, so the tests can stand on any day.
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)

CONSENT = Consent(
    given=True,
    language="Arabic (Darija)",
    explanation="Two conversations with a social worker and a psychologist; nothing medical without asking again.",
    told_no_penalty=True,
)
PROFESSIONALS = (Professional("Rita Lopes", "social_work"), Professional("Samir Haddad", "psychology"))
APPEAL_INFORMATION = "Told in Darija, with the leaflet: appeal to the family court within 30 days, with legal aid."


@dataclass
class World:
    case: Case
    caseworker: User
    supervisor: User
    guardian: User | None

    @property
    def child(self):
        return Case.objects.select_related("child").get(pk=self.case.pk).child


def world(
    *, unaccompanied=True, guardian=True, appointed_at=T0 - 30 * DAY, birth=date(2010, 6, 30), heard=True
) -> World:
    agency = AgencyFactory()
    caseworker = caseworker_in(agency, TeamFactory(agency=agency))
    case = register(actor=caseworker, agency=agency, birth=birth, child_facts={"unaccompanied": unaccompanied}).case
    if heard:  # R6: the child's views on being assessed, before anything else in the story
        child_views_record(
            actor=caseworker, case=case, decision=ViewsDecision.AGE_ASSESSMENT, heard=True,
            views="He would rather show his school papers, but will talk with the social worker.",
            how_expressed=HowExpressed.SPOKEN, language="Arabic (Darija)", at=appointed_at,
        )  # fmt: skip
    supervisor = supervisor_in(agency)
    person = None
    if guardian:
        person = eligible_guardian()
        # A guardian of long standing: their role began before any moment of the stories.
        Membership.objects.filter(user=person).update(started_at=appointed_at - 400 * DAY)
        guardian_appoint(actor=supervisor, case=case, guardian=person, kind=AppointmentKind.QUALIFIED, at=appointed_at)
    return World(case=case, caseworker=caseworker, supervisor=supervisor, guardian=person)


def with_disability(w: World, text="Deaf; communicates in sign language") -> None:
    identity = replace(read_identity(w.child), disabilities=text)
    child_identity_update(actor=w.caseworker, case=w.case, identity=identity)


def open_assessment(w: World, *, at=T0, **overrides) -> AgeAssessment:
    values = {
        "last_resort_reason": "No document; interviews could not settle his age.",
        "consent": CONSENT,
        "professionals": PROFESSIONALS,
        **overrides,
    }
    return services.assessment_open(actor=w.caseworker, case=w.case, at=at, **values)


def method(w: World, assessment, kind=MethodKind.PSYCHOSOCIAL, outcome=MethodOutcome.CONCLUSIVE, *, at, **kw):
    return services.assessment_method_record(
        actor=w.caseworker, assessment=assessment, kind=kind, outcome=outcome, at=at, **kw
    )


def conclude(w: World, assessment, *, youngest, oldest, at, grounds=(ResultGround.PSYCHOSOCIAL_FINDINGS,)):
    """A conclusive psycho-social assessment and its range of ages."""
    method(w, assessment, at=at - timedelta(hours=2))
    return services.assessment_result_record(
        actor=w.caseworker, assessment=assessment, youngest_age=youngest, oldest_age=oldest, grounds=grounds, at=at
    )


def guardian_opinion(w: World, assessment, *, at) -> None:
    assert w.guardian is not None, "this world has no guardian to give an opinion"
    guardian_opinion_record(
        actor=w.guardian, case=w.case, decision=DecisionKind.AGE_ASSESSMENT, subject=str(assessment.pk),
        opinion="The conversations were fair and he understood them.", agrees=True, at=at,
    )  # fmt: skip


def approve(w: World, assessment, *, at, opinion=True) -> AgeAssessment:
    if opinion:
        guardian_opinion(w, assessment, at=at - timedelta(hours=1))
    return services.assessment_conclusion_approve(
        actor=w.supervisor, assessment=assessment, appeal_information=APPEAL_INFORMATION, at=at
    )


def approved_range(w: World, *, youngest, oldest, opened=T0, approved=None) -> AgeAssessment:
    """An assessment opened at `opened`, concluded a day later and approved a day after that."""
    assessment = open_assessment(w, at=opened)
    conclude(w, assessment, youngest=youngest, oldest=oldest, at=opened + DAY)
    return approve(w, assessment, at=approved or opened + 2 * DAY)
