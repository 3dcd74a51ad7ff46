"""The child informed and heard (R6): interpreters, the communication profile, information
sessions and the child's views, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.cases import vault
from apps.core.rules import RuleViolation, Violations
from apps.voice import services
from apps.voice.models import (
    LEAFLET_ONLY,
    ChildViews,
    CommunicationProfile,
    Gender,
    GenderPreference,
    HowExpressed,
    InformationSession,
    NotHeardReason,
    SessionFormat,
    SessionMaterial,
    SessionTopic,
    ViewsDecision,
)
from apps.voice.rules import child_views_recorded
from apps.voice.selectors import interpreter_list, latest_child_views
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff, guardian_for
from tests.cases.sealed import stored
from tests.guardianship.factories import sealed_reason
from tests.voice.factories import declared, interpreter, not_heard

pytestmark = pytest.mark.django_db
V = "CHILD_VIEWS_REQUIRED"
NOW = timezone.now()
HOUR = timedelta(hours=1)


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


def refused(call, *args, **kwargs) -> list[str]:
    with pytest.raises(RuleViolation) as refusal:
        call(*args, **kwargs)
    return refusal.value.codes


def opened(record, column):
    child = record.case.child
    return vault.open_sealed(child, vault.data_key(child), type(record), column, getattr(record, column))


def session(case, actor, **changes):
    values = {
        "topics": [SessionTopic.RIGHTS, SessionTopic.GUARDIANSHIP],
        "language": "Arabic",
        "dialect": "Darija",
        "format": SessionFormat.IN_PERSON,
        "understanding": "Fictional: she explained back, in her words, what a guardian does.",
        "at": NOW,
    } | changes
    return services.information_session_record(actor=actor, case=case, **values)


def views(case, actor, **changes):
    values = {"decision": ViewsDecision.PLACEMENT_CHANGE, "heard": True, "how_expressed": HowExpressed.SPOKEN,
              "views": "Fictional: she wants to stay near her school.", "at": NOW} | changes  # fmt: skip
    return services.child_views_record(actor=actor, case=case, **values)


# --- Interpreters --------------------------------------------------------------------------------
def test_an_interpreter_is_recorded_with_languages_dialects_gender_and_who_they_work_for(case, caseworker):
    freelance = interpreter(case.owning_agency, caseworker, name="Fictional Freelancer", gender=Gender.MALE)
    employed = interpreter(case.owning_agency, caseworker, name="Fictional Employee", freelance=False,
                           agency_name="Fictional Language Services", languages=["Tigrinya", "Amharic"])  # fmt: skip
    assert (freelance.languages, freelance.dialects, freelance.gender, freelance.freelance) == (
        ["Arabic"],
        ["Darija"],
        Gender.MALE,
        True,
    )
    assert (employed.freelance, employed.agency_name, employed.languages) == (
        False,
        "Fictional Language Services",
        ["Tigrinya", "Amharic"],
    )


@pytest.mark.parametrize("changes", [{"freelance": False}, {"freelance": True, "agency_name": "Some agency"},
                                     {"languages": []}, {"gender": ""}])  # fmt: skip
def test_an_interpreter_needs_a_language_a_gender_and_an_agency_or_freelance(case, caseworker, changes):
    with pytest.raises(ValidationError):
        interpreter(case.owning_agency, caseworker, **changes)


def test_only_members_of_the_agency_keep_its_roster(case):
    outsider = MembershipFactory(role=Role.CASEWORKER).user
    with pytest.raises(PermissionDenied):
        interpreter(case.owning_agency, outsider)


def test_the_database_holds_agency_or_freelance(case, caseworker):
    interp = interpreter(case.owning_agency, caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(interp).objects.filter(pk=interp.pk).update(freelance=False, agency_name="")


def test_an_interpreter_taken_off_the_roster_cannot_be_used(case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    services.interpreter_update(actor=caseworker, interpreter=interp, name=interp.name, languages=interp.languages,
                                gender=interp.gender, freelance=True, active=False)  # fmt: skip
    interp.refresh_from_db()
    with pytest.raises(ValidationError):
        session(case, caseworker, interpreter=interp)


# --- Independence from the suspects, per case ----------------------------------------------------
def test_an_interpreter_without_a_declaration_for_this_case_is_refused_on_a_session(case, caseworker):
    interp = interpreter(case.owning_agency, caseworker)
    assert refused(session, case, caseworker, interpreter=interp) == [f"{V}.INTERPRETER_NOT_INDEPENDENT"]
    assert not InformationSession.objects.exists()


def test_an_interpreter_with_a_declaration_for_this_case_is_allowed(case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    assert session(case, caseworker, interpreter=interp).interpreter == interp
    assert views(case, caseworker, interpreter=interp).interpreter == interp


def test_a_declaration_for_another_case_does_not_count(case, caseworker):
    other, other_worker, _boss = case_with_staff(agency=case.owning_agency)
    interp = declared(interpreter(case.owning_agency, caseworker), other, other_worker)
    assert refused(views, case, caseworker, interpreter=interp) == [f"{V}.INTERPRETER_NOT_INDEPENDENT"]


def test_a_withdrawn_declaration_stops_the_interpreter_and_stays_on_file(case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    declaration = interp.declarations.get()
    services.interpreter_declaration_withdraw(actor=caseworker, declaration=declaration,
                                              reason="Fictional: turns out to know the suspects' family.")  # fmt: skip
    assert refused(views, case, caseworker, interpreter=interp) == [f"{V}.INTERPRETER_NOT_INDEPENDENT"]
    assert interp.declarations.get().withdrawn_at is not None
    with pytest.raises(ValidationError):
        services.interpreter_declaration_withdraw(actor=caseworker, declaration=declaration, reason="again")


def test_a_second_declaration_in_force_is_refused(case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    with pytest.raises(ValidationError):
        declared(interp, case)


# --- The communication profile and the preferred gender of interviewer --------------------------
def test_the_profile_is_recorded_and_its_support_needs_sealed(case, caseworker):
    profile = services.communication_profile_set(
        actor=caseworker, case=case, preferred_language="Arabic", preferred_dialect="Darija",
        preferred_interviewer_gender=GenderPreference.FEMALE, needs_communication_support=True,
        communication_support="Fictional: hard of hearing; face her and speak slowly.",
    )  # fmt: skip
    again = services.communication_profile_set(actor=caseworker, case=case, preferred_language="French")
    assert again.pk == profile.pk
    assert CommunicationProfile.objects.get().preferred_language == "French"
    assert b"hearing" not in bytes(profile.communication_support)
    assert opened(profile, "communication_support") == "Fictional: hard of hearing; face her and speak slowly."


def test_support_needed_says_what_support(case, caseworker):
    with pytest.raises(ValidationError):
        services.communication_profile_set(actor=caseworker, case=case, needs_communication_support=True)


@pytest.fixture
def prefers_a_woman(case, caseworker):
    services.communication_profile_set(actor=caseworker, case=case, preferred_interviewer_gender=Gender.FEMALE)


@pytest.mark.usefixtures("prefers_a_woman")
@pytest.mark.parametrize("record", [session, views])
def test_someone_of_another_gender_than_the_child_prefers_needs_a_reason(case, caseworker, record):
    assert refused(record, case, caseworker, **{_gender_field(record): Gender.MALE}) == [
        f"{V}.GENDER_PREFERENCE_NOT_RESPECTED"
    ]
    done = record(case, caseworker, **{_gender_field(record): Gender.MALE},
                  gender_reason="Fictional: the only Darija speaker on duty tonight.")  # fmt: skip
    assert stored(done, "gender_reason") == "Fictional: the only Darija speaker on duty tonight."


@pytest.mark.usefixtures("prefers_a_woman")
@pytest.mark.parametrize("record", [session, views])
def test_the_preferred_gender_needs_no_reason(case, caseworker, record):
    assert record(case, caseworker, **{_gender_field(record): Gender.FEMALE}).gender_reason is None


@pytest.mark.usefixtures("prefers_a_woman")
def test_an_interpreter_of_another_gender_needs_a_reason_too(case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker, gender=Gender.MALE), case)
    assert refused(views, case, caseworker, heard_by_gender=Gender.FEMALE, interpreter=interp) == [
        f"{V}.GENDER_PREFERENCE_NOT_RESPECTED"
    ]


def test_without_a_preference_no_gender_is_asked_for(case, caseworker):
    assert views(case, caseworker).heard_by_gender == ""


def _gender_field(record):
    return "held_by_gender" if record is session else "heard_by_gender"


# --- Information sessions ------------------------------------------------------------------------
def test_a_session_is_recorded_with_its_topics_language_and_how_the_child_understood(case, caseworker):
    done = session(case, caseworker, materials=[SessionMaterial.LEAFLET, SessionMaterial.PICTURES])
    assert (done.topics, done.language, done.dialect, done.format, done.held_by) == (
        ["rights", "guardianship"],
        "Arabic",
        "Darija",
        "in_person",
        caseworker,
    )
    assert done.materials == ["leaflet", "pictures"]  # a leaflet may go with a real session
    assert b"explained" not in bytes(done.understanding)
    assert opened(done, "understanding").startswith("Fictional: she explained back")


def test_a_leaflet_alone_is_not_a_session(case, caseworker):
    codes = refused(session, case, caseworker, format=LEAFLET_ONLY, materials=[SessionMaterial.LEAFLET])
    assert codes == [f"{V}.LEAFLET_IS_NOT_A_SESSION"]
    assert not InformationSession.objects.exists()


def test_a_session_without_how_the_child_understood_is_refused(case, caseworker):
    assert refused(session, case, caseworker, understanding="  ") == [f"{V}.UNDERSTANDING_NOT_RECORDED"]


def test_every_missing_thing_of_a_session_is_listed_at_once(case, caseworker):
    interp = interpreter(case.owning_agency, caseworker)
    codes = refused(session, case, caseworker, format=LEAFLET_ONLY, understanding="", interpreter=interp)
    assert codes == [f"{V}.LEAFLET_IS_NOT_A_SESSION", f"{V}.UNDERSTANDING_NOT_RECORDED",
                     f"{V}.INTERPRETER_NOT_INDEPENDENT"]  # fmt: skip


@pytest.mark.parametrize("changes", [{"topics": []}, {"topics": ["gossip"]}, {"language": ""}, {"format": "fax"},
                                     {"held_at": NOW + HOUR}])  # fmt: skip
def test_a_session_needs_its_topics_language_a_format_and_to_have_happened(case, caseworker, changes):
    # A session dated ahead is refused as an implausible date (DATE_NOT_PLAUSIBLE), the rest as invalid.
    with pytest.raises((ValidationError, RuleViolation)):
        session(case, caseworker, **changes)


def test_the_database_refuses_a_session_without_understanding(case, caseworker):
    done = session(case, caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        InformationSession.objects.filter(pk=done.pk).update(understanding=None)


# --- The child's views ---------------------------------------------------------------------------
def test_views_heard_are_sealed_with_how_expressed_and_any_objection(case, caseworker):
    done = views(case, caseworker, objects=True, language="Arabic")
    assert (done.heard, done.objects, done.how_expressed, done.language) == (True, True, "spoken", "Arabic")
    assert b"school" not in bytes(done.views)
    assert opened(done, "views") == "Fictional: she wants to stay near her school."


def test_views_not_heard_without_a_method_tried_are_refused(case, caseworker):
    codes = refused(views, case, caseworker, heard=False, views="", not_heard_reasons=[NotHeardReason.HEALTH])
    assert codes == [f"{V}.NO_METHOD_TRIED"]


def test_the_childs_age_alone_is_never_a_reason(case, caseworker):
    codes = refused(views, case, caseworker, heard=False, views="", not_heard_reasons=[NotHeardReason.CHILD_AGE],
                    method_tried="Fictional: tried play with a psychologist.")  # fmt: skip
    assert codes == [f"{V}.AGE_IS_NOT_A_REASON"]


def test_both_not_heard_rules_are_listed_at_once(case, caseworker):
    codes = refused(views, case, caseworker, heard=False, views="", not_heard_reasons=[NotHeardReason.CHILD_AGE])
    assert codes == [f"{V}.NO_METHOD_TRIED", f"{V}.AGE_IS_NOT_A_REASON"]


def test_age_with_another_reason_and_the_method_tried_is_allowed(case, caseworker):
    done = not_heard(case, ViewsDecision.PLACEMENT_CHANGE)
    assert (done.heard, done.not_heard_reasons, done.objects) == (False, ["child_age", "communication"], None)
    assert opened(done, "method_tried") == "Fictional: play session with a child psychologist, with pictures."


@pytest.mark.parametrize("changes", [
    {"views": ""}, {"how_expressed": ""}, {"decision": "holiday"}, {"not_heard_reasons": [NotHeardReason.HEALTH]},
    {"heard": False, "not_heard_reasons": [], "method_tried": "tried", "views": ""},
    {"heard": False, "not_heard_reasons": [NotHeardReason.HEALTH], "method_tried": "tried"},
])  # fmt: skip
def test_views_hold_together(case, caseworker, changes):
    with pytest.raises(ValidationError):
        views(case, caseworker, **changes)


def _insert(case, user, *, was_heard, reasons, method, views_value=None):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO voice_childviews (case_id, decision, subject, heard, views, how_expressed, language,"
            " heard_by_gender, gender_reason, not_heard_reasons, method_tried, recorded_by_id, recorded_at)"
            " VALUES (%s, 'closure', '', %s, %s, '', '', '', NULL, %s, %s, %s, now())",
            [case.pk, was_heard, views_value, reasons, method, user.pk],
        )


@pytest.mark.parametrize(("reasons", "method"), [(["child_age"], b"x"), (["child_age", "child_age"], b"x"),
                                                 ([], b"x"), (["health"], None)])  # fmt: skip
def test_the_database_refuses_views_not_heard_for_age_alone_or_without_a_method(case, caseworker, reasons, method):
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert(case, caseworker, was_heard=False, reasons=reasons, method=method)


def test_the_database_takes_a_real_reason_with_a_method(case, caseworker):
    _insert(case, caseworker, was_heard=False, reasons=["child_age", "health"], method=b"x")
    assert ChildViews.records.filter(case=case).count() == 1


def test_the_database_refuses_views_heard_without_views(case, caseworker):
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert(case, caseworker, was_heard=True, reasons=[], method=None)


def test_views_are_never_changed_or_deleted(case, caseworker):
    done = views(case, caseworker)
    with pytest.raises(DatabaseError), transaction.atomic():
        ChildViews.records.filter(pk=done.pk).update(objects=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        ChildViews.records.filter(pk=done.pk).delete()


def test_a_new_record_supersedes_and_the_old_one_stays(case, caseworker):
    first = views(case, caseworker, objects=False, at=NOW - 2 * HOUR)
    second = views(case, caseworker, objects=True, at=NOW - HOUR)
    assert latest_child_views(case=case, decision=ViewsDecision.PLACEMENT_CHANGE) == second
    assert (
        latest_child_views(case=case, decision=ViewsDecision.PLACEMENT_CHANGE, at=NOW - 90 * timedelta(minutes=1))
        == first
    )
    assert latest_child_views(case=case, decision=ViewsDecision.CLOSURE) is None
    assert ChildViews.records.filter(case=case).count() == 2


def test_views_on_one_decision_count_for_it_or_when_given_in_general(case, caseworker):
    on_this = views(case, caseworker, decision=ViewsDecision.BEST_INTERESTS_DETERMINATION, subject="7", at=NOW - HOUR)
    assert latest_child_views(case=case, decision=ViewsDecision.BEST_INTERESTS_DETERMINATION, subject="7") == on_this
    assert latest_child_views(case=case, decision=ViewsDecision.BEST_INTERESTS_DETERMINATION, subject="8") is None
    general = views(case, caseworker, decision=ViewsDecision.BEST_INTERESTS_DETERMINATION, at=NOW)
    assert latest_child_views(case=case, decision=ViewsDecision.BEST_INTERESTS_DETERMINATION, subject="8") == general


# --- The rule other apps call --------------------------------------------------------------------
def _codes(case, **kwargs):
    found = Violations()
    child_views_recorded(found, case=case, **kwargs)
    return [] if not found else refused(found.raise_if_any)


def test_the_rule_asks_for_views_on_the_decision_named(case, caseworker):
    found = Violations()
    child_views_recorded(found, case=case, decision=ViewsDecision.DURABLE_SOLUTION, at=NOW)
    with pytest.raises(RuleViolation) as refusal:
        found.raise_if_any()
    assert refusal.value.violations[0].code == V
    assert refusal.value.messages == [
        "Record the child's views on a durable solution, or why they could not be heard and what was tried."
    ]


def test_the_rule_counts_views_recorded_at_or_before_the_moment_and_since_when_asked(case, caseworker):
    views(case, caseworker, decision=ViewsDecision.DURABLE_SOLUTION, at=NOW)
    decision = ViewsDecision.DURABLE_SOLUTION
    assert _codes(case, decision=decision, at=NOW) == []
    assert _codes(case, decision=decision, at=NOW - HOUR) == [V]
    assert _codes(case, decision=decision, at=NOW + HOUR, since=NOW) == []
    assert _codes(case, decision=decision, at=NOW + HOUR, since=NOW + timedelta(seconds=1)) == [V]


def test_the_rule_counts_a_recorded_reason_for_not_hearing(case, caseworker):
    not_heard(case, ViewsDecision.RELEASE_TO_ADULT, at=NOW)
    assert _codes(case, decision=ViewsDecision.RELEASE_TO_ADULT, at=NOW) == []


# --- Who records ---------------------------------------------------------------------------------
def test_the_guardian_records_views_for_their_ward(case):
    guardian = guardian_for(case)
    done = views(case, guardian)
    assert done.recorded_by == guardian


def test_the_guardian_does_not_record_views_for_another_child(case):
    guardian = guardian_for(case)
    other, _worker, _boss = case_with_staff(agency=case.owning_agency)
    with pytest.raises(Http404):
        views(other, guardian)
    assert not ChildViews.records.filter(case=other).exists()


def test_a_guardian_whose_appointment_ended_no_longer_records(case):
    guardian = guardian_for(case)
    case.guardian_appointments.update(
        ends_at=timezone.now() - HOUR, end_reason=sealed_reason(case, "Fictional: moved away.")
    )
    with pytest.raises(Http404):
        views(case, guardian)


def test_staff_of_another_agency_get_a_404(case):
    outsider = MembershipFactory(role=Role.SUPERVISOR, agency=AgencyFactory()).user
    with pytest.raises(Http404):
        views(case, outsider)
    with pytest.raises(Http404):
        session(case, outsider)


def test_partner_staff_of_another_kind_may_not_record(case):
    partner = MembershipFactory(role=Role.PARTNER_STAFF, agency=AgencyFactory(kind=AgencyKind.LEGAL_AID)).user
    with pytest.raises(Http404):
        views(case, partner)


def test_a_guardian_sees_interpreters_declared_on_their_wards_case(case, caseworker):
    guardian = guardian_for(case)
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    interpreter(case.owning_agency, caseworker, name="Not declared here")
    assert list(interpreter_list(actor=guardian)) == [interp]
    assert views(case, guardian, interpreter=interp).interpreter == interp
