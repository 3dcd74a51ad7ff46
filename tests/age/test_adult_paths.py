"""R2 across every app, now and later: whatever treats a person as an adult goes through the one
PRESUMED_MINOR guard.

Every model's choices in every installed app are read: a value whose value or label speaks of
adults (or of majority) must be declared in apps.age.registry — as treating the person as an
adult, or as only naming an adult, with why — and so must a yes/no field named for adults. Each
declared adult choice is then run through the service that takes it (its probe, in
tests/<app>/adult_probes.py): refused with PRESUMED_MINOR for a person presumed a child, and not
for one whom an undisputed identity document shows to be an adult.
"""

import importlib
import importlib.util
import pkgutil
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone, translation

import tests
from apps.age.models import DocumentKind
from apps.age.registry import adult_choice, adult_choices, adult_named_only
from apps.age.rules import adult_choice_guard
from apps.age.services import identity_document_record
from apps.core.rules import RuleViolation, Violations
from tests.care.factories import case_with_staff

pytestmark = pytest.mark.django_db
# Words a choice that treats someone as an adult is likely to use, in values and English labels.
ADULT_WORDS = re.compile(
    r"adult|majority|grown.?up|aged.?out|age.?out|(over|above).?18|18.?plus|18\+|(came|come|comes) of age|full age"
    r"|no longer a (child|minor)|not a (child|minor)",
    re.IGNORECASE,
)


def _choice_fields(model):
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        yield field, field
        base = getattr(field, "base_field", None)  # an ArrayField of choices
        if base is not None:
            yield field, base


def adult_speaking_choices() -> set[tuple[str, str, str]]:
    """(model, field, value) of every choice whose value or label speaks of adults, in every app;
    and (model, field, "True") of every yes/no field named for adults."""
    found = set()
    with translation.override("en"):
        for model in apps.get_models():
            for field, holder in _choice_fields(model):
                for value, label in holder.flatchoices or []:
                    if ADULT_WORDS.search(str(value)) or ADULT_WORDS.search(str(label)):
                        found.add((model._meta.label, field.name, str(value)))
                if isinstance(holder, models.BooleanField) and ADULT_WORDS.search(field.name):
                    found.add((model._meta.label, field.name, "True"))
    return found


def all_choices() -> set[tuple[str, str, str]]:
    every = set()
    for model in apps.get_models():
        for field, holder in _choice_fields(model):
            every |= {(model._meta.label, field.name, str(value)) for value, _label in holder.flatchoices or []}
            if isinstance(holder, models.BooleanField):
                every.add((model._meta.label, field.name, "True"))
    return every


def probes() -> dict[str, object]:
    """Every app's probes: tests/<app>/adult_probes.py, PROBES keyed by the declared choice."""
    found: dict[str, object] = {}
    for module in pkgutil.iter_modules(tests.__path__):
        name = f"tests.{module.name}.adult_probes"
        if module.ispkg and importlib.util.find_spec(name) is not None:
            found.update(importlib.import_module(name).PROBES)
    return found


def test_every_choice_that_speaks_of_adults_in_any_app_is_declared():
    declared = {c.key for c in adult_choices()} | {c.key for c in adult_named_only()}
    undeclared = sorted(adult_speaking_choices() - declared)
    assert not undeclared, (
        "Declare these in the app's adulthood.py (apps.age.registry): treats_as_adult(...) and guard the service "
        f"with apps.age.rules.adult_choice_guard, or names_an_adult_only(..., why=...): {undeclared}"
    )


def test_every_declaration_names_a_choice_that_exists():
    stale = sorted(({c.key for c in adult_choices()} | {c.key for c in adult_named_only()}) - all_choices())
    assert not stale


def test_the_guard_refuses_every_declared_choice_for_a_presumed_minor_and_passes_any_other():
    case, _caseworker, _boss = case_with_staff()
    for choice in adult_choices():
        found = Violations()
        adult_choice_guard(found, case=case, model=choice.model, field=choice.field, value=choice.value,
                           at=timezone.now())  # fmt: skip
        with pytest.raises(RuleViolation) as refusal:
            found.raise_if_any()
        assert refusal.value.codes[0] == "PRESUMED_MINOR", choice
    found = Violations()
    adult_choice_guard(found, case=case, model="support.SupportService", field="end_reason", value="completed",
                       at=timezone.now())  # fmt: skip
    assert not found
    assert adult_choice("support.SupportService", "end_reason", "completed") is None


def _adult(case, caseworker):
    identity_document_record(actor=caseworker, case=case, kind=DocumentKind.PASSPORT, issuing_country="PT",
                             birth_date=date(1990, 1, 1), at=timezone.now() - timedelta(days=30))  # fmt: skip


PROBES = probes()
DECLARED = [str(choice) for choice in adult_choices()]


@pytest.mark.parametrize("choice", DECLARED)
def test_a_declared_adult_choice_is_refused_through_its_service_for_a_presumed_minor(choice):
    assert choice in PROBES, f"add a probe for {choice} to tests/<app>/adult_probes.py"
    case, caseworker, boss = case_with_staff()
    with pytest.raises(RuleViolation) as refusal:
        PROBES[choice](case, caseworker, boss)
    assert "PRESUMED_MINOR" in refusal.value.codes


@pytest.mark.parametrize("choice", DECLARED)
def test_a_declared_adult_choice_is_not_refused_as_presumed_minor_once_a_document_shows_adulthood(choice):
    assert choice in PROBES, f"add a probe for {choice} to tests/<app>/adult_probes.py"
    case, caseworker, boss = case_with_staff()
    _adult(case, caseworker)
    codes: list[str] = []
    try:
        PROBES[choice](case, caseworker, boss)
    except RuleViolation as refusal:  # another rule of the action may still stand; R2 does not
        codes = refusal.codes
    assert "PRESUMED_MINOR" not in codes
