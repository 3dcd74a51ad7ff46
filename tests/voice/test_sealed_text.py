"""Why someone of another gender than the child prefers was there, and why an interpreter's
declaration was withdrawn, are sealed with the child's key: the tables hold ciphertext, and the
admin still shows the words to the case's caseworker."""

import pytest
from django.urls import reverse

from apps.voice import services
from apps.voice.models import Gender, HowExpressed, InterpreterDeclaration, SessionFormat, SessionTopic, ViewsDecision
from tests.care.factories import case_with_staff
from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored
from tests.voice.factories import declared, interpreter

pytestmark = pytest.mark.django_db

SESSION_REASON = "Fictional: the only Darija speaker on duty that night was a man"
VIEWS_REASON = "Fictional: she chose to speak with the male caseworker she already knew"
WITHDRAWN = "Fictional: the interpreter turned out to be a cousin of a suspect"


@pytest.fixture
def records():
    case, caseworker, _ = case_with_staff()
    caseworker.is_staff = True
    caseworker.save(update_fields=["is_staff"])
    services.communication_profile_set(actor=caseworker, case=case, preferred_interviewer_gender=Gender.FEMALE)
    session = services.information_session_record(
        actor=caseworker, case=case, topics=[SessionTopic.RIGHTS], language="Arabic", dialect="Darija",
        format=SessionFormat.IN_PERSON, understanding="Fictional: she said back whom to call.",
        held_by_gender=Gender.MALE, gender_reason=SESSION_REASON,
    )  # fmt: skip
    views = services.child_views_record(
        actor=caseworker, case=case, decision=ViewsDecision.PLACEMENT_CHANGE, heard=True,
        views="Fictional: she wants to stay near her school.", how_expressed=HowExpressed.SPOKEN,
        heard_by_gender=Gender.MALE, gender_reason=VIEWS_REASON,
    )  # fmt: skip
    interp = declared(interpreter(case.owning_agency, caseworker), case)
    declaration = InterpreterDeclaration.objects.get(interpreter=interp, case=case)
    declaration = services.interpreter_declaration_withdraw(actor=caseworker, declaration=declaration, reason=WITHDRAWN)
    return {"caseworker": caseworker, "session": session, "views": views, "declaration": declaration}


def test_the_tables_hold_ciphertext_of_what_was_typed(records):
    for record, column, text in [
        (records["session"], "gender_reason", SESSION_REASON),
        (records["views"], "gender_reason", VIEWS_REASON),
        (records["declaration"], "withdrawn_reason", WITHDRAWN),
    ]:
        assert text.encode() not in _raw(record, column), column
        assert stored(record, column) == text


def test_the_admin_shows_the_words_to_the_caseworker(client, records):
    client.force_login(records["caseworker"])
    for model, record, text in [
        ("informationsession", records["session"], SESSION_REASON),
        ("childviews", records["views"], VIEWS_REASON),
        ("interpreterdeclaration", records["declaration"], WITHDRAWN),
    ]:
        page = client.get(reverse(f"admin:voice_{model}_change", args=[record.pk]))
        assert page.status_code == 200
        assert text in page.content.decode(), model
