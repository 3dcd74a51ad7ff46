"""The voice admin: scoped like every channel, writes only through the services, shows every
refusal with its code — and R6 where the age, care and case admins decide."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.age.models import AgeAssessment
from apps.audit.models import RecordAccess
from apps.care.models import Placement, PlacementKind, UrgentActionKind
from apps.care.services import placement_record
from apps.cases.models import Case
from apps.core.rules import Violation
from apps.voice.models import (
    LEAFLET_ONLY,
    ChildViews,
    CommunicationProfile,
    Gender,
    InformationSession,
    Interpreter,
    InterpreterDeclaration,
    ViewsDecision,
)
from apps.voice.services import communication_profile_set
from tests.accounts.factories import UserFactory
from tests.age.factories import world
from tests.care.factories import case_with_staff, guardian_for
from tests.cases.sealed import stored
from tests.conftest import make_staff
from tests.voice.factories import declared, heard, interpreter
from tests.voice.test_wiring import to_aftercare

pytestmark = pytest.mark.django_db
V = "CHILD_VIEWS_REQUIRED"
MODELS = ["interpreter", "interpreterdeclaration", "communicationprofile", "informationsession", "childviews"]


def add_url(model, app="voice"):
    return reverse(f"admin:{app}_{model}_add")


def changelist(model, app="voice"):
    return reverse(f"admin:{app}_{model}_changelist")


def errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return [*form.non_field_errors(), *(m for name, ms in form.errors.items() if name != "__all__" for m in ms)]


def message(code, **facts) -> str:
    return f"{Violation(code, facts).message} ({code})"


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff()
    make_staff(caseworker, boss)
    return case, caseworker, boss


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def cw(client, caseworker):
    client.force_login(caseworker)
    return client


def session_post(case, **changes):
    return {"case": case.pk, "topics": ["rights", "complaints"], "language": "Arabic", "dialect": "Darija",
            "format": "in_person", "understanding_text": "Fictional: she said back how to complain.",
            "held_by_gender": "", "gender_reason_text": ""} | changes  # fmt: skip


def views_post(case, **changes):
    return {"case": case.pk, "decision": ViewsDecision.PLACEMENT_CHANGE, "subject": "", "heard": "yes",
            "views_text": "Fictional: he wants to stay near his football club.", "how_expressed": "spoken",
            "language": "Arabic", "objects": "true", "heard_by_gender": "", "gender_reason_text": "",
            "method_tried_text": ""} | changes  # fmt: skip


def not_heard_post(case, **changes):
    return views_post(case, heard="no", views_text="", how_expressed="", objects="unknown", language="") | changes


# --- Who -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", MODELS)
def test_a_superuser_without_a_case_role_cannot_open_the_voice_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(changelist(model)).status_code == 403
    assert client.get(add_url(model)).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_deleted(cw, model):
    response = cw.get(changelist(model))
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)


def test_views_of_a_case_out_of_sight_are_a_404(cw):
    other, other_worker, _boss = case_with_staff()
    theirs = heard(other, actor=other_worker)
    assert cw.get(reverse("admin:voice_childviews_change", args=[theirs.pk])).status_code == 404
    assert list(cw.get(changelist("childviews")).context["cl"].queryset) == []


def test_views_are_shown_opened_and_the_read_is_logged(cw, case, caseworker):
    done = heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, views="Fictional: near the club.")
    response = cw.get(reverse("admin:voice_childviews_change", args=[done.pk]))
    assert "Fictional: near the club." in response.content.decode()
    assert RecordAccess.objects.filter(case=case, actor=caseworker, allowed=True).exists()
    assert cw.post(reverse("admin:voice_childviews_change", args=[done.pk]), views_post(case)).status_code == 403


# --- Information sessions ------------------------------------------------------------------------
def test_a_leaflet_alone_is_refused_on_the_form(cw, case):
    response = cw.post(add_url("informationsession"), session_post(case, format=LEAFLET_ONLY, materials=["leaflet"]))
    assert errors(response) == [message(f"{V}.LEAFLET_IS_NOT_A_SESSION")]
    assert not InformationSession.objects.exists()


def test_a_session_without_how_the_child_understood_is_refused_on_the_form(cw, case):
    response = cw.post(add_url("informationsession"), session_post(case, understanding_text=""))
    assert errors(response) == [message(f"{V}.UNDERSTANDING_NOT_RECORDED")]


def test_a_session_with_a_leaflet_as_material_is_recorded(cw, case, caseworker):
    response = cw.post(add_url("informationsession"), session_post(case, materials=["leaflet"]))
    assert response.status_code == 302
    session = InformationSession.objects.get(case=case)
    assert (session.materials, session.held_by, session.format) == (["leaflet"], caseworker, "in_person")


def test_an_interpreter_without_a_declaration_is_refused_then_allowed_once_declared(cw, case, caseworker):
    interp = interpreter(case.owning_agency, caseworker, name="Fictional Amal")
    response = cw.post(add_url("informationsession"), session_post(case, interpreter=interp.pk))
    assert errors(response) == [message(f"{V}.INTERPRETER_NOT_INDEPENDENT", interpreter="Fictional Amal")]
    declared_response = cw.post(add_url("interpreterdeclaration"),
                                {"case": case.pk, "interpreter": interp.pk, "declared_on": ""})  # fmt: skip
    assert declared_response.status_code == 302
    assert cw.post(add_url("informationsession"), session_post(case, interpreter=interp.pk)).status_code == 302


def test_another_gender_than_the_child_prefers_needs_a_reason_on_the_form(cw, case, caseworker):
    communication_profile_set(actor=caseworker, case=case, preferred_interviewer_gender=Gender.FEMALE)
    response = cw.post(add_url("informationsession"), session_post(case, held_by_gender="male"))
    assert errors(response) == [message(f"{V}.GENDER_PREFERENCE_NOT_RESPECTED", preferred="Female")]
    allowed = session_post(case, held_by_gender="male", gender_reason_text="Fictional: no one else on duty tonight.")
    assert cw.post(add_url("informationsession"), allowed).status_code == 302


# --- The child's views ---------------------------------------------------------------------------
def test_views_heard_are_recorded_with_an_objection(cw, case, caseworker):
    assert cw.post(add_url("childviews"), views_post(case)).status_code == 302
    done = ChildViews.records.get(case=case)
    assert (done.heard, done.objects, done.recorded_by) == (True, True, caseworker)


def test_not_heard_without_a_method_and_for_age_alone_is_refused_on_the_form(cw, case):
    response = cw.post(add_url("childviews"), not_heard_post(case, not_heard_reasons=["child_age"]))
    assert errors(response) == [message(f"{V}.NO_METHOD_TRIED"), message(f"{V}.AGE_IS_NOT_A_REASON")]
    assert not ChildViews.records.exists()


def test_not_heard_for_age_alone_with_a_method_is_refused_on_the_form(cw, case):
    data = not_heard_post(case, not_heard_reasons=["child_age"], method_tried_text="Fictional: play with pictures.")
    assert errors(cw.post(add_url("childviews"), data)) == [message(f"{V}.AGE_IS_NOT_A_REASON")]


def test_not_heard_with_a_real_reason_and_the_method_tried_is_recorded(cw, case):
    data = not_heard_post(case, not_heard_reasons=["child_age", "communication"],
                          method_tried_text="Fictional: play with pictures and her carer.")  # fmt: skip
    assert cw.post(add_url("childviews"), data).status_code == 302
    done = ChildViews.records.get(case=case)
    assert (done.heard, done.not_heard_reasons, done.objects) == (False, ["child_age", "communication"], None)


def test_the_guardian_records_views_for_a_ward_through_the_admin(client, case):
    guardian = make_staff(guardian_for(case))
    client.force_login(guardian)
    assert client.post(add_url("childviews"), views_post(case)).status_code == 302
    assert ChildViews.records.get(case=case).recorded_by == guardian


def test_the_guardian_cannot_record_views_for_another_child(client, case):
    guardian = make_staff(guardian_for(case))
    other, _worker, _boss = case_with_staff(agency=case.owning_agency)
    client.force_login(guardian)
    response = client.post(add_url("childviews"), views_post(other))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields["case"].queryset) == [Case.objects.get(pk=case.pk)]
    assert not ChildViews.records.exists()


# --- Interpreters, declarations and profiles -----------------------------------------------------
def test_an_interpreter_is_added_and_corrected_through_the_admin(cw, case):
    data = {"roster_agency": case.owning_agency.pk, "name": "Fictional Karim", "languages": "Arabic, French",
            "dialects": "Darija", "gender": "male", "freelance": "", "agency_name": ""}  # fmt: skip
    assert errors(cw.post(add_url("interpreter"), data)) == [
        "Name the interpreting agency, or record them as freelance."
    ]
    assert cw.post(add_url("interpreter"), data | {"freelance": "on"}).status_code == 302
    interp = Interpreter.objects.get()
    assert (interp.languages, interp.dialects, interp.freelance) == (["Arabic", "French"], ["Darija"], True)
    change = reverse("admin:voice_interpreter_change", args=[interp.pk])
    assert cw.post(change, data | {"freelance": "on", "active": ""}).status_code == 302
    interp.refresh_from_db()
    assert not interp.active


def test_a_declaration_is_withdrawn_with_a_reason_by_an_action(cw, case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    declaration = InterpreterDeclaration.objects.get(interpreter=interp)
    response = cw.post(changelist("interpreterdeclaration"), {
        "action": "withdraw", "_selected_action": [declaration.pk], "confirm": "yes",
        "reason": "Fictional: a cousin of a suspect."})  # fmt: skip
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert stored(declaration, "withdrawn_reason") == "Fictional: a cousin of a suspect."


def test_a_profile_is_set_and_changed_through_the_admin(cw, case):
    data = {"case": case.pk, "preferred_language": "Arabic", "preferred_dialect": "Darija",
            "preferred_interviewer_gender": "female", "needs_communication_support": "on",
            "communication_support_text": ""}  # fmt: skip
    assert errors(cw.post(add_url("communicationprofile"), data)) == [
        "communication_support: Describe the support the child needs to communicate."
    ]
    data["communication_support_text"] = "Fictional: hard of hearing."
    assert cw.post(add_url("communicationprofile"), data).status_code == 302
    profile = CommunicationProfile.objects.get()
    page = cw.get(reverse("admin:voice_communicationprofile_change", args=[profile.pk])).content.decode()
    assert "Fictional: hard of hearing." in page
    changed = data | {"preferred_interviewer_gender": ""}
    assert cw.post(reverse("admin:voice_communicationprofile_change", args=[profile.pk]), changed).status_code == 302
    profile.refresh_from_db()
    assert profile.preferred_interviewer_gender == ""


# --- Query budgets -------------------------------------------------------------------------------
def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done.captured_queries)


def test_the_lists_cost_the_same_queries_for_one_record_or_many(cw, case, caseworker):
    interp = declared(interpreter(case.owning_agency, caseworker), case)

    def one_more(n):
        heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker)
        other, _w, _b = case_with_staff(agency=case.owning_agency)
        Case.objects.filter(pk=other.pk).update(assigned_caseworker=caseworker)
        communication_profile_set(actor=caseworker, case=other, preferred_language="Arabic")
        declared(interpreter(case.owning_agency, caseworker, name=f"Fictional {n}"), other, caseworker)
        cw.post(add_url("informationsession"), session_post(case, interpreter=interp.pk))

    one_more(0)
    [_queries(cw, changelist(model)) for model in MODELS]  # the first request fills the caches
    once = [_queries(cw, changelist(model)) for model in MODELS]
    for n in range(1, 5):
        one_more(n)
    assert [_queries(cw, changelist(model)) for model in MODELS] == once
    assert max(once) <= 20


# --- R6 where the other admins decide ------------------------------------------------------------
def opening(case):
    return {
        "case": case.pk, "last_resort_reason": "No document; the interviews could not settle it.",
        "consent_given": "on", "consent_language": "Arabic (Darija)",
        "consent_explanation": "Two conversations; nothing medical without asking again.",
        "consent_told_no_penalty": "on", "professional_1": "Rita Lopes", "discipline_1": "social_work",
        "professional_2": "Samir Haddad", "discipline_2": "psychology", "professional_3": "", "discipline_3": "",
        "disability_adaptation": "",
    }  # fmt: skip


def test_the_age_admin_refuses_an_assessment_without_the_childs_views_then_opens_it(client):
    w = world(appointed_at=timezone.now() - timedelta(days=60), heard=False)
    make_staff(w.caseworker)
    client.force_login(w.caseworker)
    response = client.post(add_url("ageassessment", "age"), opening(w.case))
    assert errors(response) == [message(V, decision="an age assessment")]
    assert not AgeAssessment.objects.exists()
    heard(w.case, ViewsDecision.AGE_ASSESSMENT, actor=w.caseworker)
    assert client.post(add_url("ageassessment", "age"), opening(w.case)).status_code == 302


def test_the_care_admin_refuses_a_change_of_placement_without_the_childs_views_then_records_it(cw, case, caseworker):
    now = timezone.now()
    placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, starts_at=now - timedelta(days=5),
                     at=now - timedelta(days=5))  # fmt: skip
    data = {"case": case.pk, "kind": PlacementKind.KINSHIP, "urgent_kind": UrgentActionKind.EMERGENCY_PLACEMENT}
    assert errors(cw.post(add_url("placement", "care"), data)) == [message(V, decision="a change of placement")]
    assert Placement.objects.filter(case=case).count() == 1
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker)
    assert cw.post(add_url("placement", "care"), data).status_code == 302
    assert Placement.objects.filter(case=case, ends_at__isnull=True).get().kind == PlacementKind.KINSHIP


def test_the_care_admin_never_holds_up_an_urgent_move_for_the_views(cw, case, caseworker):
    now = timezone.now()
    placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, starts_at=now - timedelta(days=5),
                     at=now - timedelta(days=5))  # fmt: skip
    data = {"case": case.pk, "kind": PlacementKind.FOSTER, "urgent": "on", "urgent_kind": UrgentActionKind.SAFETY_MOVE,
            "urgent_reason": "Fictional: the trafficker found the foster home."}  # fmt: skip
    assert cw.post(add_url("placement", "care"), data).status_code == 302


def _close(client, case):
    return client.post(changelist("case", "cases"), {
        "action": "transition_close", "_selected_action": [case.pk], f"version_{case.pk}": case.version,
        "confirm": "yes", "reason": "Fictional: plan completed.", "waiver_reason": "Fictional: moved abroad.",
    })  # fmt: skip


def test_the_case_admin_refuses_closing_without_the_childs_views_then_closes(client, staffed):
    case, caseworker, boss = staffed
    case = to_aftercare(case, caseworker)
    client.force_login(boss)
    refused = [str(m) for m in get_messages(_close(client, case).wsgi_request)]
    assert any(message(V, decision="closing the case") in m for m in refused)
    assert Case.objects.get(pk=case.pk).state == "aftercare"
    heard(case, ViewsDecision.CLOSURE, actor=caseworker)
    _close(client, Case.objects.get(pk=case.pk))
    assert Case.objects.get(pk=case.pk).state == "closed"
