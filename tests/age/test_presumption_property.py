"""The presumption of minority, against an oracle written from the domain guide's own sentences.

Stories of documents (disputed or not, flagged or not, and the flag or dispute withdrawn),
claims (before or after the documents, the child's own claim disputing a document that shows
adulthood), decisions of other authorities, an assessment (a range of ages or inconclusive,
approved or not) and appeals are recorded through the services; then, at moments before,
during and after the assessment and its appeal period, `is_treated_as_child` must give the
answer the oracle below derives from DOMAIN.md R2. The oracle never calls Haven's code: it
has its own arithmetic of ages and reads the story as written.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.age import services
from apps.age.models import AppealOutcome, DocumentKind, MethodKind, MethodOutcome, ResultGround
from apps.age.selectors import is_treated_as_child
from tests.age.factories import approve, method, open_assessment, world

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


# --- The oracle: DOMAIN.md R2, sentence by sentence ---------------------------------------------
def years_old(born: date, on: date) -> int:
    """Whole years completed on `on` (a 29 February birthday is reached on 1 March in a common year)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def latest_birth_for(youngest: int, assessed_on: date) -> date:
    """ "A range of ages, turned into a range of birth dates fixed on the assessment date": the latest
    day one could be born and still be `youngest` on the assessment date."""
    born = date(assessed_on.year - youngest, 12, 31)
    while years_old(born, assessed_on) < youngest:
        born -= DAY
    return born


@dataclass
class Doc:
    born: date
    recorded: datetime
    disputed: bool
    dispute_withdrawn: datetime | None
    flagged: datetime | None
    flag_withdrawn: datetime | None


@dataclass
class Appeal:
    lodged: datetime
    decided: datetime | None
    upheld: bool


@dataclass
class Assessment:
    opened: datetime
    inconclusive: bool
    youngest: int
    oldest: int
    via_medical: bool
    concluded: datetime
    approved: datetime | None
    appeals: list[Appeal] = field(default_factory=list)


@dataclass
class Story:
    t0: datetime
    documents: list[Doc]
    claims: list[tuple[date, datetime]]  # the birth date claimed, when it was recorded
    external: list[tuple[date, date]]
    assessment: Assessment | None
    moments: list[datetime]


def expected_treated_as_child(story: Story, at: datetime) -> bool:
    day = at.date()  # moments are chosen mid-day, so the day is the same where the case is held
    period = timedelta(days=settings.HAVEN_AGE_APPEAL_DAYS)
    # "Only two things end the presumption: an identity document showing adulthood that the
    # person does not dispute and that is not flagged as possibly false ..."
    for doc in story.documents:
        if doc.recorded > at:
            continue  # not produced yet
        disputes = doc.disputed and not (doc.dispute_withdrawn is not None and doc.dispute_withdrawn <= at)
        flagged = doc.flagged is not None and doc.flagged <= at
        flagged = flagged and not (doc.flag_withdrawn is not None and doc.flag_withdrawn <= at)
        # "... that the person does not dispute": a claim of their own by which they are still a
        # child disputes it as much as saying so, until they are recorded as accepting it.
        claimed_child = any(
            recorded <= at
            and years_old(claimed, day) < 18
            and not (doc.dispute_withdrawn is not None and recorded <= doc.dispute_withdrawn <= at)
            for claimed, recorded in story.claims
        )
        if not disputes and not flagged and not claimed_child and years_old(doc.born, day) >= 18:
            return False
    # "... or an approved age-assessment conclusion whose youngest possible age is 18 or more —
    # and then only once the appeal period has passed or an appeal has been decided."
    # "An inconclusive result leaves the person a child."
    a = story.assessment
    if a is not None and not a.inconclusive and a.approved is not None and a.approved <= at:
        youngest_birth = latest_birth_for(a.youngest, a.concluded.date())
        if years_old(youngest_birth, day) >= 18:
            lodged = [p for p in a.appeals if p.lodged <= at]
            pending = [p for p in lodged if p.decided is None or p.decided > at]
            if not pending:
                if lodged:
                    if max(lodged, key=lambda p: p.decided or p.lodged).upheld:
                        return False  # an appeal decided, upholding it
                elif at >= a.approved + period:
                    return False  # the appeal period has passed
    # "An age decision made by another authority ... never ends the presumption by itself."
    # Claims are what the child says: they end nothing either.
    return True


# --- Stories -----------------------------------------------------------------------------------
def likely(draw, percent: int) -> bool:
    return draw(st.integers(1, 100)) <= percent


def _days(draw, low, high) -> timedelta:
    return draw(st.integers(low, high)) * DAY + draw(st.integers(0, 3)) * HOUR


@st.composite
def stories(draw) -> Story:
    start = draw(
        st.one_of(
            st.sampled_from([date(2024, 2, 26), date(2024, 2, 29), date(2023, 2, 27)]),
            st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 9, 1)),
        )
    )
    t0 = datetime(start.year, start.month, start.day, 11, 0, tzinfo=UTC)

    def born(years_low=8, years_high=26) -> date:
        if draw(st.integers(0, 4)) == 0:  # now and then a leap-day birthday
            leap_years = [y for y in range(start.year - years_high, start.year - years_low) if y % 4 == 0]
            return date(draw(st.sampled_from(leap_years)), 2, 29)
        return start - timedelta(days=draw(st.integers(years_low * 365, years_high * 365)))

    documents = []
    for _ in range(draw(st.integers(0, 2))):
        recorded = t0 + _days(draw, 0, 300)
        disputed = draw(st.booleans())
        flagged = recorded + _days(draw, 0, 300) + HOUR if draw(st.booleans()) else None
        documents.append(
            Doc(
                born=born(),
                recorded=recorded,
                disputed=disputed,
                # Accepted later, whether disputed by saying so or only by a claim.
                dispute_withdrawn=recorded + _days(draw, 0, 400) + HOUR if draw(st.booleans()) else None,
                flagged=flagged,
                flag_withdrawn=flagged + _days(draw, 0, 400) + HOUR if flagged and draw(st.booleans()) else None,
            )
        )
    # Claims before or after the documents, some making the person younger than a document does.
    claims = [(born(), t0 + _days(draw, -30, 400)) for _ in range(draw(st.integers(0, 2)))]
    external = []
    for _ in range(draw(st.integers(0, 2))):
        latest = born(10, 30)
        external.append((latest - timedelta(days=draw(st.integers(0, 1500))), latest))
    assessment = None
    if likely(draw, 75):
        opened = t0 + DAY
        concluded = opened + 2 * DAY
        youngest = draw(st.integers(14, 24))
        approved = concluded + _days(draw, 0, 20) + HOUR if likely(draw, 75) else None
        appeals: list[Appeal] = []
        if approved is not None and likely(draw, 65):
            lodged = approved + _days(draw, 0, 70)
            for _ in range(2):
                decided = lodged + _days(draw, 1, 150) if likely(draw, 75) else None
                appeals.append(Appeal(lodged=lodged, decided=decided, upheld=draw(st.booleans())))
                if decided is None or not appeals[-1].upheld or not draw(st.booleans()):
                    break
                lodged = decided + _days(draw, 0, 60) + HOUR
        assessment = Assessment(
            opened=opened,
            inconclusive=likely(draw, 25),
            youngest=youngest,
            oldest=youngest + draw(st.integers(0, 4)),
            via_medical=draw(st.booleans()),
            concluded=concluded,
            approved=approved,
            appeals=appeals,
        )
    moments = [t0 + _days(draw, -60, 4000) for _ in range(draw(st.integers(1, 4)))]
    return Story(t0, documents, claims, external, assessment, moments)


def boundaries(story: Story) -> list[datetime]:
    """Moments either side of everything that happens: before and after the assessment, the
    end of the appeal period, each appeal, each flag, each 18th birthday."""
    period = timedelta(days=settings.HAVEN_AGE_APPEAL_DAYS)
    second = timedelta(seconds=1)
    edges: list[datetime] = []
    a = story.assessment
    if a is not None:
        edges += [a.opened - DAY, a.concluded + HOUR]
        if a.approved is not None:
            edges += [a.approved - second, a.approved, a.approved + period - second, a.approved + period]
            edges += coming_of_age(latest_birth_for(a.youngest, a.concluded.date()))
        for p in a.appeals:
            edges += [p.lodged - second, p.lodged] + ([p.decided - second, p.decided] if p.decided else [])
    for d in story.documents:
        edges += [d.recorded - second, d.recorded] + [
            t for t in (d.flagged, d.flag_withdrawn, d.dispute_withdrawn) if t
        ]
        edges += coming_of_age(d.born)
    for claimed, recorded in story.claims:
        edges += [recorded - second, recorded, *coming_of_age(claimed)]
    return edges


def coming_of_age(born: date) -> list[datetime]:
    """Mid-day on the day before someone born on `born` is 18, and on that day."""
    adult = datetime(born.year + 18, born.month, 1, 11, tzinfo=UTC)
    while years_old(born, adult.date()) < 18:
        adult += DAY
    return [adult - DAY, adult]


# --- Recording the story through the services ---------------------------------------------------
def record_documents(w, story: Story) -> None:
    for d in story.documents:
        document = services.identity_document_record(
            actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="NG", birth_date=d.born,
            disputed=d.disputed, dispute_reason="Says it is not hers." if d.disputed else "", at=d.recorded,
        )  # fmt: skip
        if d.flagged:
            services.identity_document_flag(actor=w.caseworker, document=document, reason="Forged?", at=d.flagged)
        if d.flag_withdrawn:
            services.identity_document_flag_withdraw(actor=w.supervisor, document=document, reason="Genuine.",
                                                     at=d.flag_withdrawn)  # fmt: skip
        if d.dispute_withdrawn:
            services.identity_document_dispute(actor=w.supervisor, document=document, disputed=False,
                                               reason="Now accepts it.", at=d.dispute_withdrawn)  # fmt: skip


def record_assessment(w, a: Assessment) -> None:
    assessment = open_assessment(w, at=a.opened)
    psychosocial = MethodOutcome.INCONCLUSIVE if a.inconclusive or a.via_medical else MethodOutcome.CONCLUSIVE
    method(w, assessment, outcome=psychosocial, at=a.opened + HOUR)
    if a.via_medical:
        medical = MethodOutcome.REFUSED if a.inconclusive else MethodOutcome.CONCLUSIVE
        method(w, assessment, MethodKind.DENTAL_XRAY, medical, at=a.opened + 2 * HOUR)
    if a.inconclusive:
        services.assessment_inconclusive_record(actor=w.caseworker, assessment=assessment, at=a.concluded)
        a.appeals = []  # nothing to appeal: the story keeps what can be recorded
    else:
        ground = ResultGround.MEDICAL_FINDINGS if a.via_medical else ResultGround.PSYCHOSOCIAL_FINDINGS
        services.assessment_result_record(
            actor=w.caseworker, assessment=assessment, youngest_age=a.youngest, oldest_age=a.oldest,
            grounds=[ground], at=a.concluded,
        )  # fmt: skip
    if a.approved is None:
        return
    assessment = approve(w, assessment, at=a.approved)
    for p in a.appeals:
        appeal = services.age_appeal_lodge(actor=w.guardian, assessment=assessment, grounds="I am 15.", at=p.lodged)
        if p.decided is not None:
            outcome = AppealOutcome.UPHELD if p.upheld else AppealOutcome.OVERTURNED
            services.age_appeal_decide(actor=w.caseworker, appeal=appeal, outcome=outcome,
                                       decided_by="Family court", at=p.decided)  # fmt: skip


def record(story: Story):
    w = world(appointed_at=story.t0 - 30 * DAY)
    record_documents(w, story)
    for claimed, recorded in story.claims:
        services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=claimed, at=recorded)
    for earliest, latest in story.external:
        services.external_decision_record(
            actor=w.caseworker, case=w.case, authority="Immigration", authority_country="PT",
            decided_on=latest + DAY, earliest_birth_date=earliest, latest_birth_date=latest, at=story.t0,
        )  # fmt: skip
    if story.assessment is not None:
        record_assessment(w, story.assessment)
    return w


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(story=stories())
def test_treated_as_a_child_exactly_as_the_domain_guide_says(story):
    w = record(story)
    for at in story.moments + boundaries(story):
        expected = expected_treated_as_child(story, at)
        assert is_treated_as_child(child=w.child, at=at) == expected, (at, story)
