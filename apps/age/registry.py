"""Which choices treat a person as an adult: one public registry, declared by the apps that own them (R2).

Every action that would treat a person as an adult — an end reason, a placement kind for
adults, a referral to adult services, closing a case as an adult, an interview as an adult —
goes through the one guard, `apps.age.rules.not_treated_as_adult` (PRESUMED_MINOR). So that a
new one cannot slip past it, each app declares its choices here, in a module of its own named
`adulthood.py` (found like admin modules are; the age app's own is apps/age/adulthood.py):

- `treats_as_adult("app.Model", "field", value, action=...)`: choosing `value` treats the person
  as an adult; the service that takes the choice calls `apps.age.rules.adult_choice_guard`
  (which calls `not_treated_as_adult` with the declared action). `urgent=True` where the choice
  may be an urgent protective action (the first rule), which the guard then never refuses.
- `names_an_adult_only("app.Model", "field", value, why=...)`: the value names an adult but
  treats no one as one ("release to an adult", "a trusted adult").

A test (tests/age/test_adult_paths.py) reads every model's choices in every installed app and
fails on a value whose value or label speaks of adults and that is declared neither way; for
each declared one it runs the service that takes it on a presumed minor and on an adult.

This module imports nothing of Haven's, so any app may declare from its own module.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

Key = tuple[str, str, str]  # ("app_label.Model", field name, stored value)


@dataclass(frozen=True)
class AdultChoice:
    """A choice that treats the person as an adult, and the words the refusal uses for it."""

    model: str
    field: str
    value: str
    action: str | Promise
    urgent: bool = False  # may be an urgent protective action: never refused, reviewed afterwards

    @property
    def key(self) -> Key:
        return (self.model, self.field, self.value)

    def __str__(self) -> str:
        return f"{self.model}.{self.field}={self.value}"


@dataclass(frozen=True)
class AdultNamedOnly:
    """A choice that names an adult without treating the person as one, and why."""

    model: str
    field: str
    value: str
    why: str

    @property
    def key(self) -> Key:
        return (self.model, self.field, self.value)


_TREATS: dict[Key, AdultChoice] = {}
_NAMES_ONLY: dict[Key, AdultNamedOnly] = {}
_discovered = False


def _key(model: str, field: str, value: object) -> Key:
    return (model, field, str(value))


def treats_as_adult(model: str, field: str, value: object, *, action: str | Promise, urgent: bool = False) -> None:
    """Declare that choosing `value` for `model.field` treats the person as an adult."""
    key = _key(model, field, value)
    if key in _NAMES_ONLY:
        raise ValueError(f"{key} is declared as only naming an adult")
    _TREATS[key] = AdultChoice(*key, action=action, urgent=urgent)


def names_an_adult_only(model: str, field: str, value: object, *, why: str) -> None:
    """Declare that `value` speaks of an adult but treats no one as an adult (say why)."""
    key = _key(model, field, value)
    if key in _TREATS:
        raise ValueError(f"{key} is declared as treating the person as an adult")
    if not why.strip():
        raise ValueError("say why the choice treats no one as an adult")
    _NAMES_ONLY[key] = AdultNamedOnly(*key, why=why)


def _discover() -> None:
    global _discovered  # noqa: PLW0603 - loaded once, like the admin's registry
    if not _discovered:
        _discovered = True
        autodiscover_modules("adulthood")


def adult_choice(model: str, field: str, value: object) -> AdultChoice | None:
    """The declaration for this choice, if choosing it treats the person as an adult."""
    _discover()
    return _TREATS.get(_key(model, field, value))


def adult_choices() -> list[AdultChoice]:
    """Every declared choice that treats a person as an adult."""
    _discover()
    return sorted(_TREATS.values(), key=lambda c: c.key)


def adult_named_only() -> list[AdultNamedOnly]:
    _discover()
    return sorted(_NAMES_ONLY.values(), key=lambda c: c.key)
