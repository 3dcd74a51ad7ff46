from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import RecordAccess
from apps.cases import services
from apps.cases.admin import CaseAdmin, PossibleDuplicateNoticeAdmin
from apps.cases.models import Case, CaseTransition, Child, ChildKey, PossibleDuplicateNotice
from apps.cases.selectors import case_search
from apps.core.admin import ServiceRefusalsMixin
from apps.core.rules import RuleViolation, Violation
from apps.voice.models import ViewsDecision
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory, UserFactory
from tests.cases.factories import read_identity, read_notes, register
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.solutions.factories import prepare_for
from tests.voice.factories import heard

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cases_case_changelist"
CHILD_FIELDS = (
    *("sex", "birth_date_basis", "nationalities", "stateless", "languages", "country_of_origin"),
    *("unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest"),
    *("given_names", "family_names", "aliases", "birth_date"),
)


def _staff_with_role(role, agency, team=None):
    return _staff(MembershipFactory(role=role, agency=agency, team=team).user)


def _change_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _details(case, **changes):
    """The change form as the browser posts it, with `changes` applied."""
    child = Child.objects.get(pk=case.child_id)
    data = {
        "expected_version": case.version,
        "team": case.team_id or "",
        "assigned_caseworker": case.assigned_caseworker_id or "",
        "sex": child.sex,
        "birth_date_basis": child.birth_date_basis,
        "nationalities": ", ".join(child.nationalities),
        "languages": ", ".join(child.languages),
        "country_of_origin": child.country_of_origin,
        **{
            flag: "on"
            for flag in (
                "stateless",
                "unaccompanied",
                "separated",
                "parents_implicated",
                "parents_conflict_of_interest",
            )
            if getattr(child, flag)
        },
        "identification_method": case.identification_method,
        "identification_status": case.identification_status,
        "scope": case.scope,
        "risk_level": case.risk_level,
        "exploitation_forms": case.exploitation_forms,
        "control_methods": case.control_methods,
        "recruitment_methods": case.recruitment_methods,
        "technology_uses": case.technology_uses,
        "relationship_to_trafficker": case.relationship_to_trafficker,
        "police_evidence_reference": case.police_evidence_reference,
        "reflection_period_start": "",
        "reflection_period_end": "",
    }
    if child.anonymised_at is None:
        identity = read_identity(child)
        data |= {
            "given_names": identity.given_names,
            "family_names": identity.family_names,
            "aliases": ", ".join(identity.aliases),
            "birth_date": identity.birth_date.isoformat() if identity.birth_date else "",
        }
    # The child's values as the page was opened with them (hidden inputs, as the browser posts them).
    for name in CHILD_FIELDS:
        if name in {"stateless", "unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest"}:
            data[f"initial-{name}"] = str(bool(data.get(name)))
        elif name in data:
            data[f"initial-{name}"] = data[name]
    inlines = (
        ("transitions", case.transitions.count()),
        ("gating_fact_changes", case.gating_fact_changes.count()),
        ("facts_reliances", case.facts_reliances.count()),
        ("documents", case.documents.count()),
    )
    for prefix, count in inlines:
        data |= {
            f"{prefix}-TOTAL_FORMS": count,
            f"{prefix}-INITIAL_FORMS": count,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    return data | changes


@pytest.fixture
def agency():
    return AgencyFactory(name="Alvora Child Protection")


@pytest.fixture
def team(agency):
    return TeamFactory(agency=agency)


@pytest.fixture
def caseworker(agency, team):
    return _staff_with_role(Role.CASEWORKER, agency, team)


@pytest.fixture
def case(caseworker, agency):
    return register(actor=caseworker, agency=agency).case


@pytest.fixture
def caseworker_client(client, caseworker):
    client.force_login(caseworker)
    return client


def _transition(client, case, transition, *, reason="Placed in a shelter"):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": f"transition_{transition}",
            "_selected_action": [case.pk],
            f"version_{case.pk}": case.version,
            "confirm": "yes",
            "reason": reason,
        },
    )


# --- Who sees what ----------------------------------------------------------------------------


def test_a_superuser_without_a_case_role_cannot_open_the_cases_admin(client, case):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(_change_url(case)).status_code == 404


def test_superuser_status_adds_nothing_to_a_caseworkers_scope(client, case):
    other_agency = AgencyFactory()
    superuser = _staff_with_role(Role.CASEWORKER, other_agency)
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    client.force_login(superuser)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert case.reference not in response.content.decode()
    assert client.get(_change_url(case)).status_code == 404


def test_staff_without_a_case_role_cannot_open_the_cases_admin(client, case):
    client.force_login(_staff(MembershipFactory(role=Role.ANALYST, agency=case.owning_agency).user))
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_a_caseworker_sees_exactly_the_cases_visible_to_them(caseworker_client, case, agency):
    colleague_case = register(actor=MembershipFactory(role=Role.CASEWORKER, agency=agency).user, agency=agency).case
    other_agency_case = register(given="Other", family="Child").case

    response = caseworker_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [case.pk]
    assert caseworker_client.get(_change_url(colleague_case)).status_code == 404
    assert caseworker_client.get(_change_url(other_agency_case)).status_code == 404


def test_a_supervisor_sees_every_case_of_their_agency(client, case, agency):
    colleague_case = register(actor=MembershipFactory(role=Role.CASEWORKER, agency=agency).user, agency=agency).case
    register(given="Other", family="Child")
    client.force_login(_staff_with_role(Role.SUPERVISOR, agency))

    response = client.get(reverse(CHANGELIST))

    assert {c.pk for c in response.context["cl"].result_list} == {case.pk, colleague_case.pk}


def test_the_case_page_shows_sealed_values_and_logs_the_read(caseworker_client, caseworker, case):
    response = caseworker_client.get(_change_url(case))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert (form["given_names"].value(), form["family_names"].value()) == ("Aïcha", "Benali")
    assert 'value="Aïcha"' in response.content.decode()
    assert RecordAccess.objects.filter(
        actor=caseworker, case=case, channel="admin", allowed=True, action="view"
    ).exists()


def test_opening_a_case_outside_the_scope_is_logged_as_denied(caseworker_client, caseworker):
    hidden = register(given="Other", family="Child").case
    assert caseworker_client.get(_change_url(hidden)).status_code == 404
    assert RecordAccess.objects.filter(actor=caseworker, case=hidden, channel="admin", allowed=False).exists()


def test_a_save_to_a_case_outside_the_scope_is_a_404_logged_as_denied(caseworker_client, caseworker):
    hidden = register(given="Other", family="Child").case
    response = caseworker_client.post(_change_url(hidden), _details(hidden, risk_level="low"))
    assert response.status_code == 404
    assert Case.objects.get(pk=hidden.pk).risk_level == "high"
    assert RecordAccess.objects.filter(actor=caseworker, case=hidden, channel="admin", allowed=False).exists()


def test_the_changelist_costs_the_same_queries_for_one_case_or_ten(client, agency, team, django_assert_max_num_queries):
    caseworker = MembershipFactory(role=Role.CASEWORKER, agency=agency, team=team).user
    register(actor=caseworker, agency=agency, given="Child0")
    client.force_login(_staff_with_role(Role.SUPERVISOR, agency))
    client.get(reverse(CHANGELIST))  # the first page after signing in also settles the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(CHANGELIST))
    for n in range(1, 10):
        register(actor=caseworker, agency=agency, given=f"Child{n}", family=f"Family{n}")

    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse(CHANGELIST))

    assert len(response.context["cl"].result_list) == 10
    assert len(ten) == len(one), "\n".join(q["sql"][:300] for q in ten.captured_queries)
    with django_assert_max_num_queries(20):  # room for other apps' entries in the admin sidebar
        client.get(reverse(CHANGELIST))


# --- Workflow moves ---------------------------------------------------------------------------


def test_every_workflow_move_is_an_action_and_bulk_delete_is_not(caseworker_client, case):
    response = caseworker_client.get(reverse(CHANGELIST))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert "transition_start_protection" in choices
    assert "transition_close" in choices
    assert "delete_selected" not in choices


def test_a_move_asks_for_a_reason_before_anything_changes(caseworker_client, case):
    response = caseworker_client.post(
        reverse(CHANGELIST),
        {"action": "transition_start_protection", "_selected_action": [case.pk], "index": 0},
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].fields
    assert case.reference in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_a_move_without_a_reason_is_asked_again(caseworker_client, case):
    response = _transition(caseworker_client, case, "start_protection", reason="")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_a_move_goes_through_the_service_and_records_who_and_why(caseworker_client, caseworker, case):
    response = _transition(caseworker_client, case, "start_protection")

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "protection"
    step = CaseTransition.objects.filter(case=case).latest("pk")
    assert (step.name, step.from_state, step.to_state) == ("start_protection", "registered", "protection")
    assert step.actor == caseworker
    assert stored(step, "reason") == "Placed in a shelter"
    assert f"{case.reference} moved to “Protection”." in _messages(response)


def test_a_move_the_workflow_lacks_shows_an_error_and_changes_nothing(caseworker_client, case):
    steps = CaseTransition.objects.filter(case=case).count()

    response = _transition(caseworker_client, case, "close")

    assert response.status_code == 302
    [message] = _messages(response)
    assert message.startswith(case.reference)
    assert "is not possible" in message
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == ("registered", case.version)
    assert CaseTransition.objects.filter(case=case).count() == steps


def _to_aftercare(case, actor):
    for name in ["start_protection", "start_assessment", "start_support", "seek_durable_solution",
                 "implement_solution", "start_follow_up", "move_to_aftercare"]:  # fmt: skip
        prepare_for(case, name)
        case = services.case_transition(actor=actor, case=case, transition=name, expected_version=case.version,
                                        reason="step")  # fmt: skip
    heard(case, ViewsDecision.CLOSURE)  # the child's views on closing (R6), before any close
    return case


def test_a_caseworker_closing_a_case_sees_the_rule_and_its_code(client, caseworker, case):
    case = _to_aftercare(case, caseworker)
    client.force_login(caseworker)

    response = _transition(client, case, "close", reason="All done")

    [message] = _messages(response)
    assert "Only a supervisor of the agency closes a case. (CLOSURE_CRITERIA_UNMET.NOT_A_SUPERVISOR)" in message
    assert Case.objects.get(pk=case.pk).state == "aftercare"


def test_a_supervisor_closes_a_case_with_a_recorded_waiver(client, caseworker, agency, case):
    case = _to_aftercare(case, caseworker)
    supervisor = _staff_with_role(Role.SUPERVISOR, agency)
    client.force_login(supervisor)

    response = client.post(
        reverse(CHANGELIST),
        {"action": "transition_close", "_selected_action": [case.pk], f"version_{case.pk}": case.version,
         "confirm": "yes", "reason": "All done", "waiver_reason": "The family moved abroad; visits handed over."},
    )  # fmt: skip

    assert f"{case.reference} moved to “Closed”." in _messages(response)
    step = CaseTransition.objects.get(case=case, name="close")
    assert (step.actor, stored(step, "waiver_reason")) == (supervisor, "The family moved abroad; visits handed over.")


def test_a_case_moved_since_the_confirmation_page_is_refused(caseworker_client, caseworker, case):
    services.case_transition(
        actor=caseworker, case=case, transition="start_protection", expected_version=case.version, reason="first"
    )
    response = _transition(caseworker_client, case, "start_assessment")  # posts the version seen before
    assert "was changed by someone else" in _messages(response)[0]
    assert Case.objects.get(pk=case.pk).state == "protection"


def test_one_refused_move_leaves_the_other_cases_moving(caseworker_client, caseworker, agency, case):
    moved_already = register(actor=caseworker, agency=agency, given="Second", family="Child").case
    moved_already = services.case_transition(
        actor=caseworker, case=moved_already, transition="start_protection", expected_version=1, reason="first"
    )
    response = caseworker_client.post(
        reverse(CHANGELIST),
        {
            "action": "transition_start_protection",
            "_selected_action": [case.pk, moved_already.pk],
            "confirm": "yes",
            "reason": "Placed",
        },
    )
    messages = _messages(response)
    assert Case.objects.get(pk=case.pk).state == "protection"
    assert any(m.startswith(moved_already.reference) and "is not possible" in m for m in messages)


def test_every_violation_of_a_refused_move_is_shown(caseworker_client, case, monkeypatch):
    def refuse(**kwargs):
        raise RuleViolation(
            [Violation("GUARDIAN_REQUIRED", {"action": "the move"}), Violation("BID_REQUIRED", {"action": "it"})]
        )

    monkeypatch.setattr(services, "case_transition", refuse)

    response = _transition(caseworker_client, case, "start_protection")

    assert _messages(response) == [
        f"{case.reference}: A representative or guardian must be active before the move. (GUARDIAN_REQUIRED)",
        f"{case.reference}: A best-interests determination is required before it. (BID_REQUIRED)",
    ]
    assert Case.objects.get(pk=case.pk).state == "registered"


# --- Editing and deleting ---------------------------------------------------------------------


def test_state_and_other_rule_bearing_fields_are_read_only(caseworker_client, case):
    form = caseworker_client.get(_change_url(case)).context["adminform"].form
    assert {"state", "version", "reference", "owning_agency", "child", "registered_by"}.isdisjoint(form.fields)
    assert "risk_level" in form.fields


def test_details_are_saved_through_the_service(caseworker_client, case):
    response = caseworker_client.post(_change_url(case), _details(case, risk_level="critical", state="closed"))

    assert response.status_code == 302, response.content.decode()[:3000]
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.risk_level, fresh.state) == ("critical", "registered")
    assert fresh.version == case.version + 1


def test_a_stale_edit_is_refused_with_the_message_and_changes_nothing(caseworker_client, caseworker, case):
    services.case_details_update(
        actor=caseworker, case=case, expected_version=case.version, facts={"scope": "internal"}
    )

    response = caseworker_client.post(_change_url(case), _details(case, risk_level="low"))

    assert response.status_code == 302
    [message] = _messages(response)
    assert f"{case.reference} was changed by someone else (version {case.version + 1}" in message
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.risk_level, fresh.scope, fresh.version) == ("high", "internal", case.version + 1)


def test_a_rule_violation_on_save_is_shown_as_form_errors(caseworker_client, case, monkeypatch):
    def refuse(**kwargs):
        raise RuleViolation([Violation("SHARING_NOT_ALLOWED.NO_LEGAL_BASIS"), Violation("BID_REQUIRED", {})])

    monkeypatch.setattr(services, "case_details_update", refuse)

    response = caseworker_client.post(_change_url(case), _details(case, risk_level="low"))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Record the legal basis and purpose of the referral. (SHARING_NOT_ALLOWED.NO_LEGAL_BASIS)",
        "A best-interests determination is required before [action]. (BID_REQUIRED)",
    ]
    assert Case.objects.get(pk=case.pk).risk_level == "high"


def test_a_case_cannot_be_deleted(caseworker_client, case):
    response = caseworker_client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


# --- Registering ------------------------------------------------------------------------------


def _registration(agency, **changes):
    return {
        "agency": agency.pk,
        "given_names": "Zainab",
        "family_names": "Okafor",
        "aliases": "Zee, Zaina",
        "birth_date": "2012-03-01",
        "birth_date_basis": "claimed",
        "sex": "female",
        "nationalities": "ng",
        "country_of_origin": "ng",
        "unaccompanied": "on",
        "identification_method": "outreach",
        "identification_status": "presumed",
        "scope": "transnational",
        "risk_level": "high",
        "exploitation_forms": ["ForcedBegging", "ChildLabour"],
        "relationship_to_trafficker": "NotKnown",
        "protection_needs_text": "A safe place away from the street.",
    } | changes


def test_the_add_form_registers_through_the_service_and_seals_the_names(caseworker_client, caseworker, agency):
    response = caseworker_client.post(reverse("admin:cases_case_add"), _registration(agency))

    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(registered_by=caseworker)
    assert (case.owning_agency, case.assigned_caseworker, case.state) == (agency, caseworker, "registered")
    assert case.exploitation_forms == ["ForcedBegging", "ChildLabour"]
    identity = read_identity(case.child)
    assert (identity.given_names, identity.aliases, identity.birth_date) == (
        "Zainab",
        ("Zee", "Zaina"),
        date(2012, 3, 1),
    )
    assert read_notes(case)["protection_needs"] == "A safe place away from the street."
    assert Child.objects.get(pk=case.child_id).nationalities == ["NG"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_child WHERE id = %s", [case.child_id])
        child_row = cursor.fetchone()
        cursor.execute("SELECT * FROM cases_case WHERE id = %s", [case.pk])
        case_row = cursor.fetchone()
    stored = b"".join(bytes(v) if isinstance(v, memoryview | bytes) else str(v).encode() for v in child_row + case_row)
    for plaintext in ("Zainab", "Okafor", "Zaina", "2012-03-01", "safe place"):
        assert plaintext.encode() not in stored


def test_the_add_form_offers_only_the_actors_case_agencies(caseworker_client, agency):
    elsewhere = AgencyFactory(name="Somewhere Else")
    MembershipFactory(role=Role.ANALYST, agency=AgencyFactory(name="Analysed Agency"))
    response = caseworker_client.get(reverse("admin:cases_case_add"))
    agencies = list(response.context["adminform"].form.fields["agency"].queryset)
    assert agencies == [agency]

    refused = caseworker_client.post(reverse("admin:cases_case_add"), _registration(elsewhere))
    assert refused.status_code == 200
    assert not Case.objects.exists()


def test_a_registration_the_service_refuses_is_shown_on_its_field(caseworker_client, agency):
    response = caseworker_client.post(
        reverse("admin:cases_case_add"), _registration(agency, given_names="", aliases="")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["given_names"] == [
        "Record at least a first name or an alias, even a provisional one."
    ]
    assert not Case.objects.exists()


def test_likely_duplicates_are_shown_as_a_warning_after_saving(caseworker_client, caseworker, agency):
    known = register(actor=caseworker, agency=agency, given="Zainab", family="Okafor", birth=date(2012, 3, 1)).case

    response = caseworker_client.post(reverse("admin:cases_case_add"), _registration(agency))

    assert response.status_code == 302
    assert any(known.reference in m and "may already be known" in m for m in _messages(response))


# --- Possible duplicates told to another agency -----------------------------------------------


def test_supervisors_of_the_agency_told_see_the_notice_and_no_one_else(client, caseworker, agency, case):
    other_agency = AgencyFactory(name="Porto Outreach")
    register(actor=MembershipFactory(role=Role.CASEWORKER, agency=other_agency).user, agency=other_agency)
    url = reverse("admin:cases_possibleduplicatenotice_changelist")

    client.force_login(_staff_with_role(Role.SUPERVISOR, agency))
    response = client.get(url)
    assert response.status_code == 200
    [notice] = response.context["cl"].result_list
    assert notice.existing_case == case
    assert "Porto Outreach" in response.content.decode()

    client.force_login(_staff_with_role(Role.SUPERVISOR, other_agency))
    assert list(client.get(url).context["cl"].result_list) == []
    client.force_login(caseworker)
    assert client.get(url).status_code == 403


# --- Assigning the case -----------------------------------------------------------------------


@pytest.fixture
def supervisor(agency):
    return _staff_with_role(Role.SUPERVISOR, agency)


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_a_supervisor_is_offered_only_the_owning_agencys_teams_and_caseworkers(supervisor_client, agency, team, case):
    other_team = TeamFactory(agency=agency)
    colleague = MembershipFactory(role=Role.CASEWORKER, agency=agency).user
    MembershipFactory(role=Role.ANALYST, agency=agency)
    elsewhere = AgencyFactory()
    TeamFactory(agency=elsewhere)
    MembershipFactory(role=Role.CASEWORKER, agency=elsewhere)

    form = supervisor_client.get(_change_url(case)).context["adminform"].form

    assert set(form.fields["team"].queryset) == {team, other_team}
    assert set(form.fields["assigned_caseworker"].queryset) == {case.assigned_caseworker, colleague}


def test_a_supervisor_assigns_the_case_through_the_service(supervisor_client, agency, case):
    new_team = TeamFactory(agency=agency)
    colleague = MembershipFactory(role=Role.CASEWORKER, agency=agency, team=new_team).user

    response = supervisor_client.post(
        _change_url(case), _details(case, team=new_team.pk, assigned_caseworker=colleague.pk, risk_level="medium")
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.team, fresh.assigned_caseworker, fresh.risk_level) == (new_team, colleague, "medium")
    assert fresh.version == case.version + 2  # the details, then the assignment


def test_a_supervisor_may_leave_the_case_to_the_team_alone(supervisor_client, team, case):
    response = supervisor_client.post(_change_url(case), _details(case, team=team.pk, assigned_caseworker=""))

    assert response.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.team, fresh.assigned_caseworker) == (team, None)


def test_a_caseworker_sees_the_assignment_read_only_and_cannot_change_it(caseworker_client, caseworker, agency, case):
    other_team = TeamFactory(agency=agency, name="Night Outreach")
    colleague = MembershipFactory(role=Role.CASEWORKER, agency=agency).user

    response = caseworker_client.get(_change_url(case))

    adminform = response.context["adminform"]
    assert {"team", "assigned_caseworker"}.isdisjoint(adminform.form.fields)
    assert {"team", "assigned_caseworker"} <= set(adminform.readonly_fields)
    saved = caseworker_client.post(
        _change_url(case), _details(case, team=other_team.pk, assigned_caseworker=colleague.pk)
    )
    assert saved.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.team, fresh.assigned_caseworker, fresh.version) == (None, caseworker, case.version)


def test_a_team_of_another_agency_is_refused_by_the_form(supervisor_client, case):
    foreign_team = TeamFactory()

    response = supervisor_client.post(_change_url(case), _details(case, team=foreign_team.pk, risk_level="low"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["team"]
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.team, fresh.risk_level, fresh.version) == (None, "high", case.version)


def test_an_assignment_the_service_refuses_is_shown_on_its_field_and_writes_nothing(
    supervisor_client, agency, case, monkeypatch
):
    colleague = MembershipFactory(role=Role.CASEWORKER, agency=agency).user

    def refuse(**kwargs):
        raise ValidationError({"assigned_caseworker": "This person is not a caseworker of the agency."})

    monkeypatch.setattr(services, "case_assign", refuse)

    response = supervisor_client.post(
        _change_url(case), _details(case, assigned_caseworker=colleague.pk, risk_level="low")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["assigned_caseworker"] == [
        "This person is not a caseworker of the agency."
    ]
    fresh = Case.objects.get(pk=case.pk)  # the details saved before the refusal were rolled back too
    assert (fresh.assigned_caseworker, fresh.risk_level, fresh.version) == (case.assigned_caseworker, "high", 1)


def test_an_assignment_refused_as_not_permitted_is_a_form_error(supervisor_client, team, case, monkeypatch):
    def refuse(**kwargs):
        raise PermissionDenied("Only a supervisor of the agency assigns its cases.")

    monkeypatch.setattr(services, "case_assign", refuse)

    response = supervisor_client.post(_change_url(case), _details(case, team=team.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Only a supervisor of the agency assigns its cases."
    ]
    assert Case.objects.get(pk=case.pk).team is None


def test_the_admins_own_permission_refusal_stays_a_403(client, agency):
    client.force_login(_staff(MembershipFactory(role=Role.ANALYST, agency=agency).user))
    assert client.post(reverse("admin:cases_case_add"), _registration(agency)).status_code == 403
    assert not Case.objects.exists()


def test_a_stale_assignment_is_refused_with_the_message(supervisor_client, caseworker, team, case):
    services.case_details_update(
        actor=caseworker, case=case, expected_version=case.version, facts={"scope": "internal"}
    )

    response = supervisor_client.post(_change_url(case), _details(case, team=team.pk))

    assert response.status_code == 302
    assert "was changed by someone else" in _messages(response)[0]
    assert Case.objects.get(pk=case.pk).team is None


# --- The child's facts and identity -----------------------------------------------------------


def test_the_childs_facts_are_prefilled_and_saved_through_the_service(caseworker_client, case, monkeypatch):
    calls, update = [], services.child_facts_update
    monkeypatch.setattr(services, "child_facts_update", lambda **kw: calls.append(kw["facts"]) or update(**kw))
    form = caseworker_client.get(_change_url(case)).context["adminform"].form
    assert form["nationalities"].value() == "MA"
    assert form["unaccompanied"].value() is True

    response = caseworker_client.post(
        _change_url(case),
        _details(
            case,
            sex="female",
            nationalities="ma, es",
            languages="Darija, French",
            stateless="on",
            parents_implicated="on",
            country_of_origin="ma",
            gating_fact_reason="The child said at interview that her parents sold her.",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    child = Child.objects.get(pk=case.child_id)
    assert (child.sex, child.nationalities, child.languages, child.country_of_origin) == (
        "female",
        ["MA", "ES"],
        ["Darija", "French"],
        "MA",
    )
    assert (child.stateless, child.parents_implicated, child.unaccompanied) == (True, True, True)
    assert calls == [
        {
            "sex": "female",
            "nationalities": ["MA", "ES"],
            "languages": ["Darija", "French"],
            "stateless": True,
            "parents_implicated": True,
            "country_of_origin": "MA",
        }
    ]
    assert Case.objects.get(pk=case.pk).version == case.version  # the case itself did not change


def test_a_save_leaves_alone_the_child_values_someone_else_changed_meanwhile(caseworker_client, caseworker, case):
    opened = _details(case)
    services.child_facts_update(actor=caseworker, case=case, facts={"sex": "female", "languages": ["Darija"]})
    services.child_identity_update(
        actor=caseworker,
        case=case,
        identity=services.ChildIdentity(given_names="Aisha", family_names="Benali", birth_date=date(2011, 5, 4)),
    )

    response = caseworker_client.post(_change_url(case), opened | {"risk_level": "low"})

    assert response.status_code == 302
    child = Child.objects.get(pk=case.child_id)
    assert (child.sex, child.languages) == ("female", ["Darija"])
    assert read_identity(child).given_names == "Aisha"
    assert Case.objects.get(pk=case.pk).risk_level == "low"


def test_child_facts_the_service_refuses_are_shown_and_nothing_is_written(caseworker_client, case):
    response = caseworker_client.post(_change_url(case), _details(case, nationalities="MAR", risk_level="low"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["nationalities"]
    assert Child.objects.get(pk=case.child_id).nationalities == ["MA"]
    assert Case.objects.get(pk=case.pk).risk_level == "high"


def test_the_childs_identity_is_prefilled_and_saved_sealed(caseworker_client, case):
    page = caseworker_client.get(_change_url(case))
    assert page.context["adminform"].form.initial["birth_date"] == date(2011, 5, 4)
    assert 'name="initial-given_names" value="Aïcha"' in page.content.decode()

    response = caseworker_client.post(
        _change_url(case),
        _details(
            case,
            given_names="Aisha",
            family_names="Benali-Haddad",
            aliases="Ayo, Shasha",
            birth_date="2011-06-07",
            gating_fact_reason="Her birth certificate arrived.",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    identity = read_identity(Child.objects.get(pk=case.child_id))
    assert (identity.given_names, identity.family_names, identity.aliases, identity.birth_date) == (
        "Aisha",
        "Benali-Haddad",
        ("Ayo", "Shasha"),
        date(2011, 6, 7),
    )
    # The sealed values the form does not show are kept.
    assert (identity.address, identity.contacts) == ("Rua das Flores 12, Alvora", "+351 900 000 000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_child WHERE id = %s", [case.child_id])
        row = cursor.fetchone()
    stored = b"".join(bytes(v) if isinstance(v, memoryview | bytes) else str(v).encode() for v in row)
    for plaintext in ("Aisha", "Haddad", "Shasha", "2011-06-07", "Rua das Flores"):
        assert plaintext.encode() not in stored
    # Found by the new name, through the hashes only.
    assert [c.pk for c, _score in case_search(actor=case.assigned_caseworker, name="Aisha")] == [case.pk]


def test_an_unchanged_identity_is_not_written(caseworker_client, case, monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("child_identity_update called without a change")

    monkeypatch.setattr(services, "child_identity_update", refuse)
    monkeypatch.setattr(services, "child_facts_update", refuse)

    response = caseworker_client.post(_change_url(case), _details(case, risk_level="low"))

    assert response.status_code == 302


def test_an_identity_without_any_name_is_refused(caseworker_client, case):
    response = caseworker_client.post(_change_url(case), _details(case, given_names="", aliases=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["given_names"] == [
        "Record at least a first name or an alias, even a provisional one."
    ]
    assert read_identity(Child.objects.get(pk=case.child_id)).given_names == "Aïcha"


def test_an_anonymised_childs_page_shows_no_identity_to_edit(supervisor_client, supervisor, case):
    services.child_anonymise(actor=supervisor, child=case.child)

    response = supervisor_client.get(_change_url(case))

    assert response.status_code == 200
    assert {"given_names", "family_names", "aliases", "birth_date"}.isdisjoint(
        response.context["adminform"].form.fields
    )
    assert "Anonymised" in response.content.decode()
    saved = supervisor_client.post(_change_url(case), _details(case, sex="male"))
    assert saved.status_code == 302
    assert Child.objects.get(pk=case.child_id).sex == "male"


# --- Anonymising the child --------------------------------------------------------------------


def _anonymise(client, case, **data):
    return client.post(reverse(CHANGELIST), {"action": "anonymise_child", "_selected_action": [case.pk], **data})


def _key_destroyed(case):
    return ChildKey.objects.get(child_id=case.child_id).wrapped is None


def test_anonymising_asks_for_the_reference_and_warns_it_cannot_be_undone(supervisor_client, case):
    response = _anonymise(supervisor_client, case, index=0)

    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot be undone" in content
    assert case.reference in content
    assert "reference" in response.context["form"].fields
    assert not _key_destroyed(case)


def test_a_wrong_reference_anonymises_nothing(supervisor_client, case):
    response = _anonymise(supervisor_client, case, confirm="yes", reference="HVN-WRONG")

    assert response.status_code == 200
    assert response.context["form"].errors["reference"] == ["This is not the reference of the selected case."]
    assert not _key_destroyed(case)


def test_a_supervisor_anonymises_the_child_through_the_service(supervisor_client, case):
    response = _anonymise(supervisor_client, case, confirm="yes", reference=case.reference)

    assert response.status_code == 302
    assert _key_destroyed(case)
    assert Child.objects.get(pk=case.child_id).anonymised_at is not None
    assert any(m.startswith(f"The child of {case.reference} is anonymised") for m in _messages(response))
    assert "Anonymised" in supervisor_client.get(_change_url(case)).content.decode()


def test_a_caseworker_is_refused_anonymising_with_a_clear_error(caseworker_client, case):
    response = _anonymise(caseworker_client, case, confirm="yes", reference=case.reference)

    assert response.status_code == 302
    assert _messages(response) == [
        f"{case.reference}: Only a supervisor of the agency holding the case may anonymise a child."
    ]
    assert not _key_destroyed(case)
    assert Child.objects.get(pk=case.child_id).anonymised_at is None


def test_anonymising_takes_one_case_at_a_time(supervisor_client, caseworker, agency, case):
    second = register(actor=caseworker, agency=agency, given="Second", family="Child").case

    response = supervisor_client.post(
        reverse(CHANGELIST),
        {"action": "anonymise_child", "_selected_action": [case.pk, second.pk], "index": 0},
    )

    assert response.status_code == 302
    assert "Select exactly one case" in _messages(response)[0]
    assert not _key_destroyed(case)
    assert not _key_destroyed(second)


def test_a_child_already_anonymised_is_not_anonymised_again(supervisor_client, supervisor, case):
    first = services.child_anonymise(actor=supervisor, child=case.child).anonymised_at

    response = _anonymise(supervisor_client, case, confirm="yes", reference=case.reference)

    assert "already anonymised" in _messages(response)[0]
    assert Child.objects.get(pk=case.child_id).anonymised_at == first


# --- Dealing with a possible-duplicate notice -------------------------------------------------


NOTICES = "admin:cases_possibleduplicatenotice_changelist"


@pytest.fixture
def notice(case):
    other_agency = AgencyFactory(name="Porto Outreach")
    register(actor=MembershipFactory(role=Role.CASEWORKER, agency=other_agency).user, agency=other_agency)
    return PossibleDuplicateNotice.objects.get(existing_case=case)


def _mark_dealt_with(client, notice):
    return client.post(reverse(NOTICES), {"action": "mark_dealt_with", "_selected_action": [notice.pk], "index": 0})


def test_a_supervisor_marks_a_notice_as_dealt_with(supervisor_client, notice):
    choices = dict(supervisor_client.get(reverse(NOTICES)).context["action_form"].fields["action"].choices)
    assert "mark_dealt_with" in choices
    assert "delete_selected" not in choices

    response = _mark_dealt_with(supervisor_client, notice)

    assert response.status_code == 302
    assert PossibleDuplicateNotice.objects.get(pk=notice.pk).resolved_at is not None
    assert _messages(response) == ["1 notice marked as dealt with."]


def test_a_notice_already_dealt_with_keeps_its_time(supervisor_client, supervisor, notice):
    services.duplicate_notice_resolve(actor=supervisor, notice=notice)
    first = PossibleDuplicateNotice.objects.get(pk=notice.pk).resolved_at

    response = _mark_dealt_with(supervisor_client, notice)

    assert response.status_code == 302
    assert PossibleDuplicateNotice.objects.get(pk=notice.pk).resolved_at == first
    assert _messages(response) == []


def test_another_agencys_supervisor_cannot_deal_with_the_notice(client, notice):
    client.force_login(_staff_with_role(Role.SUPERVISOR, notice.new_case.owning_agency))
    _mark_dealt_with(client, notice)
    assert PossibleDuplicateNotice.objects.get(pk=notice.pk).resolved_at is None


def test_a_caseworker_cannot_deal_with_the_notice(caseworker_client, notice):
    assert _mark_dealt_with(caseworker_client, notice).status_code == 403
    assert PossibleDuplicateNotice.objects.get(pk=notice.pk).resolved_at is None


def test_a_notice_the_service_refuses_is_an_error_message(supervisor_client, notice, monkeypatch):
    def refuse(**kwargs):
        raise Http404

    monkeypatch.setattr(services, "duplicate_notice_resolve", refuse)

    response = _mark_dealt_with(supervisor_client, notice)

    assert _messages(response) == [
        f"{notice.existing_case.reference}: only a supervisor of the agency told may deal with this notice."
    ]
    assert PossibleDuplicateNotice.objects.get(pk=notice.pk).resolved_at is None


# --- The refusal display, shared with later apps ----------------------------------------------


def test_the_refusal_display_lives_in_the_core_admin():
    assert issubclass(CaseAdmin, ServiceRefusalsMixin)
    assert issubclass(PossibleDuplicateNoticeAdmin, ServiceRefusalsMixin)
