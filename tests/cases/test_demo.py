"""The demo children and cases: every workflow state, made only through the services."""

import re
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.utils import timezone
from unidecode import unidecode

from apps.accounts.demo import DEMO_DOMAIN, seed_accounts
from apps.accounts.models import User
from apps.cases import demo as demo_module
from apps.cases import search
from apps.cases.demo import (
    ALVORA,
    CASES_STOP_AT,
    DEMO_CHILDREN,
    MARKER_PREFIX,
    MONTALBA,
    ORDER,
    demo_cases,
    seed_cases,
    seeded_state,
)
from apps.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    Child,
    ChildKey,
    ChildNameTrigrams,
    ChildSearchToken,
    PossibleDuplicateNotice,
)
from apps.cases.selectors import case_list
from apps.cases.services import child_possible_duplicates
from apps.cases.workflow import allowed_moves
from tests.cases.factories import read_identity, read_notes
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db

EARLY = {CaseState.REGISTERED, CaseState.PROTECTION, CaseState.ASSESSMENT}


@pytest.fixture
def demo():
    seed_accounts()
    return seed_cases()


def person(login):
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def demo_case(key):
    return Case.objects.select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_every_state_of_the_workflow_has_demo_cases(demo):
    # Beyond durable_solution the solutions demo takes over (tests/solutions/test_demo.py).
    assert set(demo.by_state) == set(ORDER[: ORDER.index(CASES_STOP_AT) + 1])
    assert demo.created == demo.total == len(DEMO_CHILDREN) == demo_cases().count()
    for child in DEMO_CHILDREN:
        assert demo_case(child.key).state == seeded_state(child)


def test_each_case_got_to_its_state_one_recorded_transition_at_a_time(demo):
    for case in demo_cases():
        history = list(case.transitions.order_by("at", "pk"))
        assert history[0].name == "register"
        state = CaseState.REGISTERED
        for move in history[1:]:
            assert move.from_state == state
            assert (move.from_state, move.to_state) in allowed_moves()
            assert stored(move, "reason").strip()
            assert move.at <= timezone.now()
            state = move.to_state
        assert state == case.state
        assert case.version >= len(history)


def test_running_it_again_creates_nothing(demo):
    models = (Child, ChildKey, Case, CaseTransition, ChildSearchToken, ChildNameTrigrams, PossibleDuplicateNotice)

    def counts():
        return [m.objects.count() for m in models]

    before = counts()
    again = seed_cases()
    assert again.created == 0
    assert again.by_state == demo.by_state
    assert counts() == before


def test_a_seed_stopped_part_way_carries_on_from_where_each_case_stands(monkeypatch):
    seed_accounts()
    early = [replace(child, target=min(child.target, CaseState.ASSESSMENT, key=ORDER.index)) for child in DEMO_CHILDREN]
    monkeypatch.setattr(demo_module, "DEMO_CHILDREN", early)
    first = seed_cases()
    assert set(first.by_state) == {CaseState.REGISTERED, CaseState.PROTECTION, CaseState.ASSESSMENT}

    monkeypatch.setattr(demo_module, "DEMO_CHILDREN", DEMO_CHILDREN)
    second = seed_cases()
    assert second.created == 0
    assert set(second.by_state) == set(ORDER[: ORDER.index(CASES_STOP_AT) + 1])
    for child in DEMO_CHILDREN:
        case = demo_case(child.key)
        seeded = ORDER[: ORDER.index(seeded_state(child)) + 1]
        assert case.state == seeded_state(child)
        assert [t.to_state for t in case.transitions.order_by("at", "pk")] == seeded


def test_the_command_seeds_the_cases_and_prints_counts_but_no_names(capsys):
    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")
    out = capsys.readouterr().out
    assert out.count(f"Demo cases ready: {len(DEMO_CHILDREN)} (") == 2
    assert f"({len(DEMO_CHILDREN)} new)" in out
    assert "(0 new)" in out
    for state in ORDER[: ORDER.index(CASES_STOP_AT) + 1]:
        assert str(state.label) in out
    assert not _names_in(out)


def test_cases_are_held_by_the_demo_caseworkers_and_their_teams(demo):
    ana, tomas, lucia = person("ana.ferreira"), person("tomas.neves"), person("lucia.romero")
    for case in demo_cases().select_related("team", "assigned_caseworker", "owning_agency"):
        if case.owning_agency.name == MONTALBA:
            expected = (lucia, "Unaccompanied minors")
        elif case.state in EARLY:
            expected = (ana, "Intake")
        else:
            expected = (tomas, "Long-term care")
        assert (case.assigned_caseworker, case.team.name) == expected, case.state
    for caseworker in (ana, tomas, lucia):
        mine = set(demo_cases().filter(assigned_caseworker=caseworker))
        assert mine
        assert mine <= set(case_list(actor=caseworker))
    assert not set(case_list(actor=ana)) & set(demo_cases().filter(owning_agency__name=MONTALBA))


def test_look_alikes_in_the_other_country_become_notices_for_that_agency(demo):
    mohamed, muhammad = demo_case("MON-01"), demo_case("ALV-02")
    notice = PossibleDuplicateNotice.objects.get(existing_case=mohamed)
    assert notice.agency.name == MONTALBA
    assert notice.new_case == muhammad

    aicha_alvora, aicha_montalba = demo_case("ALV-01"), demo_case("MON-02")
    notice = PossibleDuplicateNotice.objects.get(existing_case=aicha_alvora)
    assert notice.agency.name == ALVORA
    assert notice.new_case == aicha_montalba
    assert PossibleDuplicateNotice.objects.count() == demo.duplicate_notices == 2

    for_ana = child_possible_duplicates(actor=person("ana.ferreira"), names=["Muhammad Al-Amin"], birth_year=2010)
    assert mohamed not in [case for case, _ in for_ana]
    for_supervisor = child_possible_duplicates(
        actor=person("javier.ortega"), names=["Muhammad Al-Amin"], birth_year=2010
    )
    assert [case for case, _ in for_supervisor] == [mohamed]


def test_demo_children_open_with_their_own_keys(demo):
    kiki = read_identity(demo_case("ALV-03").child)
    assert (kiki.given_names, kiki.aliases) == ("", ("Kiki",))
    aicha = read_identity(demo_case("ALV-01").child)
    assert (aicha.given_names, aicha.family_names, aicha.birth_date.year) == ("Aïcha", "Benali", 2011)
    assert "burn" in read_notes(demo_case("ALV-01"))["exploitation_narrative"]


def _name_words():
    return {word for child in DEMO_CHILDREN for word in search.tokens(child.identity.all_names)}


def _names_in(text):
    plain = search.normalise(unidecode(text))
    return {word for word in _name_words() if re.search(rf"\b{word}\b", plain)}


def test_no_name_is_kept_in_plain_text(demo):
    assert _names_in("a note about AICHA, known as Kiki") == {"aicha", "kiki"}
    plain_values = []
    for model in (Child, Case, CaseTransition, PossibleDuplicateNotice):
        for row in model.objects.values():
            plain_values += [str(v) for v in row.values() if not isinstance(v, bytes | memoryview)]
    assert not _names_in(" | ".join(plain_values))
