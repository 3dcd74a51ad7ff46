"""The world the authorization matrix is walked in: every record type on a few cases, and one
person for each column of the matrix (a role holding a relation to those cases).

Built on the demo world (and the record types it lacks, added through the services), the cases
holding one record of each type are moved to one agency, as an accepted transfer leaves a case;
around them stand the people of every relation: the caseworker assigned, the team, the rest of
the agency, another agency, the agency the cases came from, the child's guardian and a former
one, partner agencies whose referrals run or ended, an on-duty caseworker with break-glass, and
the roles that hold no case data. A marker is sealed into every section a partner may be denied,
so a page can be searched for what it must not show.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.utils import timezone

from apps.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from apps.age import services as age_services
from apps.age.models import AdultTreatmentPurpose, DocumentKind
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise
from apps.care.models import Placement, TieKind
from apps.care.services import child_tie_record
from apps.cases import vault
from apps.cases.models import Case, Child, Document
from apps.cases.reading import case_ids_of, case_path
from apps.cases.services import document_attach
from apps.core.demo import seed_demo_world
from apps.guardianship.models import AppointmentKind, GuardianAppointment, GuardianProfile
from apps.guardianship.selectors import active_appointments
from apps.rights.services import reflection_period_grant
from apps.solutions.services import transition_plan_record
from apps.voice.models import Interpreter
from tests.access.matrix import load
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory, UserFactory
from tests.age.factories import approve, conclude, open_assessment
from tests.age.factories import world as age_world
from tests.cases.factories import register
from tests.family.factories import consent_of
from tests.guardianship.factories import eligible_guardian
from tests.solutions.factories import serious_harm_finding

DAY = timedelta(days=1)

# Columns whose relation the code does not build yet: left out of the walk, and reported.
NOT_BUILT: dict[str, str] = {}

# One marker per section a partner may be denied, sealed where that section lives.
MARKERS: dict[str, str] = {
    "narrative": "MARKER-NARRATIVE-7Q",
    "suspects": "MARKER-SUSPECTS-7Q",
    "placement": "MARKER-PLACEMENT-ADDRESS-7Q",
    "gender_identity": "MARKER-GENDER-IDENTITY-7Q",
    "health": "MARKER-HEALTH-NOTE-7Q",
    "protection": "MARKER-PROTECTION-NEEDS-7Q",
    "contact": "MARKER-CONTACT-ADDRESS-7Q",
    "family": "MARKER-FAMILY-SITUATION-7Q",
}
CASE_MARKERS = {"exploitation_narrative": "narrative", "suspects": "suspects", "health_notes": "health",
                "protection_needs": "protection"}  # fmt: skip
CHILD_MARKERS = {"gender_identity": "gender_identity", "address": "contact", "family_situation": "family"}

# A real, minimal PDF: the medical report of the world's first case.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 3 3]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class World:
    cases: list[Case]  # the cases holding the records walked, all held by `agency`
    agency: Agency
    team: Team
    records: dict[str, Model]  # model label -> the record whose pages are walked
    document: Document
    alert: Alert
    people: dict[str, dict[int | None, User]] = field(default_factory=dict)  # column -> case id (None: any) -> person
    not_built: dict[str, str] = field(default_factory=dict)  # column -> what it waits for

    def person(self, column: str, case_id: int | None) -> User | None:
        """The person standing in `column` towards case `case_id` (None: anonymous)."""
        if column == "anonymous/none":
            return None
        by_case = self.people[column]
        return by_case.get(case_id) or by_case[None]

    def case_of(self, record: Model) -> Case:
        return next(case for case in self.cases if case.pk in case_ids_of([record]))


def case_admins() -> list[type[Model]]:
    """Every record type with an admin that concerns a case, derived from the model."""
    found = [model for model in admin.site._registry if case_path(model) is not None]
    return sorted(found, key=lambda model: model._meta.label)


def _staff(user: User) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _member(role: str, agency: Agency, team: Team | None = None) -> User:
    """A person holding `role` in `agency` since two months ago (before anything of the world happened)."""
    since = timezone.now() - 60 * DAY
    return _staff(cast(User, MembershipFactory(role=role, agency=agency, team=team, started_at=since).user))


def records_the_demo_lacks() -> None:
    """Record types the demo world does not hold, made through the services on cases of their own."""
    now = timezone.now()
    adult = age_world(appointed_at=now - 100 * DAY)
    age_services.identity_document_record(
        actor=adult.caseworker, case=adult.case, kind=DocumentKind.PASSPORT, issuing_country="ma",
        birth_date=date(2000, 1, 1), at=now - 10 * DAY,
    )  # fmt: skip
    age_services.adult_treatment_record(
        actor=adult.caseworker, case=adult.case, purpose=AdultTreatmentPurpose.ADULT_SERVICES,
        reason="Referred to the adult reception centre (fictional).", at=now - 9 * DAY,
    )  # fmt: skip
    w = age_world(appointed_at=now - 100 * DAY)
    assessment = open_assessment(w, at=now - 50 * DAY)
    conclude(w, assessment, youngest=19, oldest=21, at=now - 49 * DAY)
    approved = approve(w, assessment, at=now - 45 * DAY)
    age_services.age_appeal_lodge(actor=cast(User, w.guardian), assessment=approved, grounds="He is 16 (fictional).",
                                  at=now - 40 * DAY)  # fmt: skip
    today = timezone.localdate()
    reflection_period_grant(actor=w.caseworker, case=w.case, starts_on=today - 10 * DAY, ends_on=today + 60 * DAY)
    serious_harm_finding(w.case, w.caseworker)
    transition_plan_record(actor=w.caseworker, case=w.case, plan="Fictional: flat, college, support worker.")
    consent_of(w.case, w.guardian)
    sibling = register(actor=w.caseworker, agency=w.case.owning_agency, given="Yasmine", birth=None).case
    child_tie_record(actor=w.caseworker, case=w.case, other_case=sibling, kind=TieKind.SIBLINGS)


def _single_case_records(model: type[Model], lone_children: set[int]) -> dict[int, Model]:
    """For each case, one record of `model` that concerns that case alone (its child having no other case)."""
    found: dict[int, Model] = {}
    for record in model._default_manager.order_by("pk")[:400]:
        cases = case_ids_of([record])
        if len(cases) == 1:
            case_id = next(iter(cases))
            if case_id in lone_children and case_id not in found:
                found[case_id] = record
    return found


def _choose_records() -> dict[str, Model]:
    """One record of every type, on as few cases as possible (greedy: the case holding most types first)."""
    counts: dict[int, int] = {}
    for child_id in Case.objects.values_list("child_id", flat=True):
        counts[child_id] = counts.get(child_id, 0) + 1
    lone = set(Case.objects.filter(child_id__in=[c for c, n in counts.items() if n == 1]).values_list("pk", flat=True))
    candidates = {model._meta.label: _single_case_records(model, lone) for model in case_admins()}
    missing = sorted(label for label, found in candidates.items() if not found)
    assert not missing, f"no record on a case of its own for {missing}"
    chosen: dict[str, Model] = {}
    left = set(candidates)
    while left:
        tally: dict[int, int] = {}
        for label in left:
            for case_id in candidates[label]:
                tally[case_id] = tally.get(case_id, 0) + 1
        best = max(sorted(tally), key=lambda case_id: tally[case_id])
        for label in [label for label in left if best in candidates[label]]:
            chosen[label] = candidates[label][best]
            left.discard(label)
    return chosen


def _seal_markers(case: Case) -> None:
    child = case.child
    key = vault.data_key(child)
    Case.objects.filter(pk=case.pk).update(
        **{column: vault.seal(child, key, Case, column, MARKERS[section]) for column, section in CASE_MARKERS.items()}
    )
    Child.objects.filter(pk=child.pk).update(
        **{column: vault.seal(child, key, Child, column, MARKERS[section]) for column, section in CHILD_MARKERS.items()}
    )
    for placement in Placement.objects.filter(case=case):
        sealed = vault.seal(child, key, Placement, "address", MARKERS["placement"])
        Placement.objects.filter(pk=placement.pk).update(address=sealed)


def _appoint(case: Case, guardian: User, by: User, *, ended: bool) -> None:
    """An appointment made directly (its rules are not what the matrix is about): ended a month ago, or running."""
    now = timezone.now()
    reason = vault.seal(case.child, vault.data_key(case.child), GuardianAppointment, "end_reason",
                        "Moved to another region (fictional).")  # fmt: skip
    ending: dict[str, Any] = {"ends_at": now - 30 * DAY, "end_reason": reason} if ended else {}
    GuardianAppointment.objects.create(case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED,
                                       starts_at=now - 90 * DAY, appointed_by=by, **ending)  # fmt: skip


def _transfer_here(cases: list[Case], agency: Agency, team: Team, assigned: User) -> dict[str, dict[int | None, User]]:
    """The cases moved to `agency` as an accepted transfer leaves them (access follows the owning
    agency); the caseworker assigned until then and a supervisor of the agency each came from stay behind."""
    caseworkers: dict[int | None, User] = {}
    supervisors: dict[int | None, User] = {}
    by_agency: dict[int, User] = {}
    for case in cases:
        old = case.owning_agency
        # Assigned until the transfer, and nothing else to the case (not on a panel, say).
        caseworkers[case.pk] = _member(Role.CASEWORKER, old)
        if old.pk not in by_agency:
            by_agency[old.pk] = _member(Role.SUPERVISOR, old)
        supervisors[case.pk] = by_agency[old.pk]
        Case.objects.filter(pk=case.pk).update(assigned_caseworker=caseworkers[case.pk])
        Case.objects.filter(pk=case.pk).update(owning_agency=agency, team=team, assigned_caseworker=assigned)
    caseworkers[None] = caseworkers[cases[0].pk]
    supervisors[None] = supervisors[cases[0].pk]
    return {"caseworker/transferred_away": caseworkers, "supervisor/transferred_away": supervisors}


def _guardians(cases: list[Case], by: User) -> dict[str, dict[int | None, User]]:
    wards: dict[int | None, User] = {}
    spare = _staff(eligible_guardian())
    former = _staff(eligible_guardian())
    now = timezone.now()
    for case in cases:
        current = active_appointments(at=now).filter(case=case).select_related("guardian").first()
        if current is None:
            _appoint(case, spare, by, ended=False)
            wards[case.pk] = spare
        else:
            wards[case.pk] = _staff(current.guardian)
        _appoint(case, former, by, ended=True)
    wards[None] = wards[cases[0].pk]
    return {"guardian/ward": wards, "guardian/ended_appointment": {None: former}}


def _break_glass(cases: list[Case], agency: Agency) -> dict[str, dict[int | None, User]]:
    """A caseworker of another agency, on duty, opens every case by break-glass: the office of the
    agency holding them is closed today (its days leave today out)."""
    from apps.grants.services import break_glass_open

    today = timezone.localtime(timezone.now(), ZoneInfo(agency.time_zone)).weekday()
    Agency.objects.filter(pk=agency.pk).update(office_days=[day for day in range(7) if day != today])
    on_duty = _member(Role.CASEWORKER, cast(Agency, AgencyFactory(name="Night duty service (fictional)")))
    for case in cases:
        break_glass_open(actor=on_duty, case=case, reason="Fictional: the child called at night, afraid.")
    return {"caseworker/break_glass": {None: on_duty}}


def _referrals(cases: list[Case], sender: User, sections: list[str]) -> dict[str, dict[int | None, User]]:
    """Partner agencies every case was referred to for health care under a legal duty, through the
    referral services: one whose referral was accepted and runs, one revoked, one completed, and one
    accepted whose end passed an hour ago (no task has marked it expired: access follows the times)."""
    from apps.referrals import services as referrals
    from apps.referrals.models import LegalBasis, ServiceKind

    now = timezone.now()
    people: dict[str, dict[int | None, User]] = {}
    for relation in ("referred", "referral_revoked", "referral_completed", "referral_expired"):
        partner = cast(Agency, AgencyFactory(kind=AgencyKind.HEALTH, name=f"Partner {relation} (fictional)"))
        staff = _member(Role.PARTNER_STAFF, partner)
        people[f"partner_staff/{relation}"] = {None: staff}
        expires = now - timedelta(hours=1) if relation == "referral_expired" else None
        for case in cases:
            sent = referrals.referral_send(
                actor=sender, case=case, to_agency=partner, service=ServiceKind.HEALTH,
                legal_basis=LegalBasis.LEGAL_DUTY, legal_reference="Fictional Child Protection Act, s. 12",
                purpose="Fictional: a health check-up.", sections=sections, reply_by=now - 3 * DAY,
                expires_at=expires, at=now - 10 * DAY,
            )  # fmt: skip
            accepted = referrals.referral_accept(actor=staff, referral=sent, at=now - 9 * DAY)
            if relation == "referral_revoked":
                referrals.referral_revoke(actor=sender, referral=accepted, reason="Fictional: consent withdrawn.",
                                          at=now - DAY)  # fmt: skip
            elif relation == "referral_completed":
                referrals.referral_complete(actor=staff, referral=accepted, at=now - DAY)
    return people


def _grants_and_requests(world: World, supervisor: User) -> None:
    """The first case's break-glass reading, a read grant to a named person, a request to the
    guardianship authority for a guardian (a referral of its own kind), and its running referral."""
    from apps.grants.models import BreakGlass
    from apps.grants.services import case_read_grant
    from apps.guardianship.models import GuardianRequest
    from apps.referrals.models import IncomingReferral, LegalBasis, Referral, ReferralKind

    first = world.cases[0]
    world.records["grants.BreakGlass"] = BreakGlass.objects.filter(case=first).get()
    interpreter = _staff(cast(User, UserFactory(full_name="Interpreter for one case (fictional)")))
    world.records["grants.CaseUserObjectPermission"] = case_read_grant(actor=supervisor, case=first, user=interpreter)
    authority = cast(
        Agency, AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, name="Guardianship office (fictional)")
    )
    now = timezone.now()
    key = vault.data_key(first.child)
    request = Referral.objects.create(
        case=first, kind=ReferralKind.GUARDIANSHIP, from_agency=world.agency, to_agency=authority, sent_by=supervisor,
        sent_at=now - DAY, legal_basis=LegalBasis.LEGAL_DUTY, legal_reference="Fictional Guardianship Act, s. 3",
        sections=["record", "identity"], purpose=vault.seal(first.child, key, Referral, "purpose", "A guardian."),
        reply_by=now + 2 * DAY,
    )  # fmt: skip
    world.records["guardianship.GuardianRequest"] = GuardianRequest.objects.get(pk=request.pk)
    partner = world.person("partner_staff/referred", None)
    running = Referral.objects.filter(case=first, to_agency__memberships__user=partner).get()
    world.records["referrals.Referral"] = running
    world.records["referrals.IncomingReferral"] = IncomingReferral.objects.get(pk=running.pk)


def _one_of_each_installation_record(world: World) -> None:
    """The records the screens about no child open: the agency's own, one of each."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    assigned = world.person("caseworker/own_agency", None)
    group = Group.objects.create(name="Fictional reviewers")
    world.records["auth.Group"] = group
    world.records["accounts.User"] = cast(Model, assigned)
    world.records["accounts.Agency"] = world.agency
    world.records["accounts.Team"] = world.team
    world.records["accounts.Membership"] = Membership.objects.filter(user=assigned, agency=world.agency).get()
    world.records["axes.AccessAttempt"] = AccessAttempt.objects.create(
        username="someone@example.test", ip_address="192.0.2.10", user_agent="test", failures_since_start=1
    )
    world.records["axes.AccessLog"] = AccessLog.objects.create(
        username="someone@example.test", ip_address="192.0.2.10", user_agent="test"
    )
    world.records["axes.AccessFailureLog"] = AccessFailureLog.objects.create(
        username="someone@example.test", ip_address="192.0.2.10", user_agent="test"
    )
    former = world.person("guardian/ended_appointment", None)
    world.records["guardianship.GuardianProfile"] = GuardianProfile.objects.get(user=former)
    interpreter = Interpreter.objects.order_by("pk").first()
    assert interpreter is not None, "the demo world has an interpreter on a roster"
    world.records["voice.Interpreter"] = interpreter


def build_world() -> World:
    seed_demo_world()
    records_the_demo_lacks()
    records = _choose_records()
    case_ids = sorted({next(iter(case_ids_of([record]))) for record in records.values()})
    cases = list(Case.objects.filter(pk__in=case_ids).select_related("owning_agency", "assigned_caseworker", "child"))

    agency = cast(
        Agency, AgencyFactory(name="Riverside Child Protection (fictional)", kind=AgencyKind.CHILD_PROTECTION)
    )
    team = cast(Team, TeamFactory(agency=agency, name="Team A"))
    other_team = cast(Team, TeamFactory(agency=agency, name="Team B"))
    assigned = _member(Role.CASEWORKER, agency)  # in no team: assigned is what lets her read
    supervisor = _member(Role.SUPERVISOR, agency)
    elsewhere = cast(Agency, AgencyFactory(name="Hillside Child Protection (fictional)"))

    people: dict[str, dict[int | None, User]] = {
        "caseworker/own_agency": {None: assigned},
        "caseworker/own_team": {None: _member(Role.CASEWORKER, agency, team)},
        "caseworker/own_agency_other_team": {None: _member(Role.CASEWORKER, agency, other_team)},
        "caseworker/other_agency": {None: _member(Role.CASEWORKER, elsewhere)},
        "supervisor/own_agency": {None: supervisor},
        "agency_admin/own_agency": {None: _member(Role.AGENCY_ADMIN, agency)},
        "analyst/own_agency": {None: _member(Role.ANALYST, agency)},
        "operator/none": {None: _member(Role.OPERATOR, cast(Agency, AgencyFactory(name="Installation (fictional)")))},
        "superuser/none": {None: cast(User, UserFactory(is_staff=True, is_superuser=True))},
        "partner_staff/none": {None: _member(Role.PARTNER_STAFF, cast(Agency, AgencyFactory(kind=AgencyKind.HEALTH)))},
    }
    people |= _transfer_here(cases, agency, team, assigned)
    cases = list(Case.objects.filter(pk__in=case_ids).select_related("owning_agency", "child"))
    people |= _guardians(cases, supervisor)
    for case in cases:
        _seal_markers(case)

    first = cases[0]
    document = document_attach(actor=assigned, case=first, kind=Document.Kind.MEDICAL_REPORT, filename="report.pdf",
                               content=PDF, no_abuse_images=True)  # fmt: skip
    alert = alert_raise(kind=AlertKind.CARE_PLAN_REVIEW_DUE, agency=agency, user=assigned, case=first,
                        key="access-matrix", detail="Care plan review due (fictional).")  # fmt: skip
    assert alert is not None
    world = World(cases=cases, agency=agency, team=team, records=records, document=document, alert=alert,
                  people=people)  # fmt: skip
    people |= _break_glass(cases, agency)
    people |= _referrals(cases, supervisor, sections=list(load().referrals["referred"]))
    world.not_built = dict(NOT_BUILT)
    _one_of_each_installation_record(world)
    _grants_and_requests(world, supervisor)
    return world
