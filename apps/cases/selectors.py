"""Every read of cases and children, scoped at the query by what the actor may see."""

import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.cases import access
from apps.cases.access import Action, cases_for
from apps.cases.models import Case, Child
from apps.cases.reading import SealedReader, record_for
from apps.cases.sections import Section
from apps.core.crypto import KeyUnavailable

# The access policy's one condition, for the selectors of every app to build on.
case_visibility = access.case_visibility


def case_list(*, actor: User) -> QuerySet[Case]:
    return (
        cases_for(actor, Action.READ)
        .select_related("owning_agency", "team", "assigned_caseworker", "child")
        .order_by("-created_at")
    )


def cases_by_identity(*, actor: User) -> QuerySet[Case]:
    """The cases whose child's identity the actor reads: those who hold them, and a partner
    whose referral shares the identity. A search by name looks only here, so that a match
    never tells a partner a name its referral keeps from it."""
    return Case.objects.filter(case_visibility(actor=actor, section=Section.IDENTITY)).select_related(
        "owning_agency", "team", "assigned_caseworker", "child"
    )


def case_get(
    *, actor: User, channel: str, pk: int | None = None, reference: str | None = None, action: str = "view"
) -> Case:
    """One case the actor may see, by id (`pk`) or by its reference, its read logged the way every
    channel logs it (apps/cases/reading.py); otherwise 404, the denied attempt logged with the case
    when there is one."""
    if (pk is None) == (reference is None):
        raise TypeError("case_get takes either pk or reference.")
    by_reference = reference is not None
    found = record_for(
        actor=actor, queryset=case_list(actor=actor), pk=reference if by_reference else pk, channel=channel,
        action=action, field="reference" if by_reference else None,
    )  # fmt: skip
    if found is None:
        raise Http404
    return cast("Case", found)


def child_list(*, actor: User) -> QuerySet[Child]:
    # A partner reads the child's record only where its referral shares the identity.
    visible_cases = Case.objects.filter(case_visibility(actor=actor, section=Section.IDENTITY), child=OuterRef("pk"))
    return Child.objects.filter(Exists(visible_cases))


def case_may_act(*, actor: User, case: Case) -> bool:
    """Holds the case: its agency's staff who see it, or the child's active guardian. A partner
    agency reading it through a referral, or someone through a grant or break-glass, reads
    only (their role towards it is asked by `access.require`)."""
    return cases_for(actor, Action.WORK_OR_GUARD).filter(pk=case.pk).exists()


def agency_roles(*, actor: User, agency_id: int) -> set[str]:
    return set(Membership.objects.active().filter(user=actor, agency_id=agency_id).values_list("role", flat=True))


def case_search(*, actor: User, name: str, birth_year: int | None = None, limit: int = 50) -> list[tuple[Case, float]]:
    """Cases the actor may see whose child's name or alias resembles `name`, best first.

    Only keyed hashes are compared; nothing is decrypted to search.
    """
    from apps.cases.search import SEARCH_THRESHOLD, score_candidates

    scores = score_candidates(names=[name], birth_year=birth_year)
    wanted = {child_id: score for child_id, score in scores.items() if score >= SEARCH_THRESHOLD}
    if not wanted:
        return []
    found = cases_by_identity(actor=actor).filter(child_id__in=wanted)
    return sorted(((case, wanted[case.child_id]) for case in found), key=lambda pair: (-pair[1], pair[0].reference))[
        :limit
    ]


# A case reference as people type it: "HVN-2026-000017", in any case, spaces around ignored.
_REFERENCE = re.compile(r"^[A-Za-z]{2,6}-\d{4}-\d{1,8}$")


@dataclass(frozen=True)
class FoundChild:
    """One child found, as a search result shows them to this reader."""

    case: Case
    name: str | None  # None: the reader does not read this child's identity (a partner's referral)
    aliases: tuple[str, ...]
    age: int | None  # in whole years today, from the recorded date of birth
    sex: str
    anonymised: bool = False


def child_find(*, actor: User, query: str, channel: str, limit: int = 25) -> list[FoundChild]:
    """The children the actor may find by name, alias or case reference, best match first.

    A name is matched on keyed hashes (spelling variants and transliterations meet; nothing is
    decrypted to search) among the cases whose identity the actor reads; a reference among the
    cases the actor sees at all, shown without a name to one who does not read the identity.
    Showing a name is a read of the child's record, logged once per case ("search").
    """
    text = query.strip()
    if not text or not actor.is_authenticated:
        return []
    if _REFERENCE.match(text):
        matches = list(case_list(actor=actor).filter(reference__iexact=text)[:1])
        named = set(cases_by_identity(actor=actor).filter(pk__in=[c.pk for c in matches]).values_list("pk", flat=True))
    else:
        matches = [case for case, _score in case_search(actor=actor, name=text, limit=limit)]
        named = {case.pk for case in matches}
    reader = SealedReader(actor=actor, channel=channel, action="search")
    shown = children_shown(reader=reader, cases=[case for case in matches if case.pk in named])
    reader.note_cases(case.pk for case in matches)  # a case found by reference is read too, without a name
    return [shown.get(case.pk) or FoundChild(case, None, (), None, "") for case in matches]


def children_shown(*, reader: SealedReader, cases: list[Case]) -> dict[int, FoundChild]:
    """The child of each case as a list shows them (name, aliases, age, sex), by case id, for the
    reader's person: cases the caller got through a selector that lets that person read their
    identity. One logged read per case; the keys and the logs in one query each."""
    if not cases:
        return {}
    reader.load_keys(case.child for case in cases)
    reader.note_cases(case.pk for case in cases)
    today = timezone.localdate()
    return {case.pk: _found(reader, case, today) for case in cases}


def _found(reader: SealedReader, case: Case, today: date) -> FoundChild:
    child = case.child
    try:
        names = reader.opened(Child, "names", child.names, case=case) or {}
        aliases = tuple(reader.opened(Child, "aliases", child.aliases, case=case) or ())
        birth = reader.opened(Child, "birth_date", child.birth_date, case=case)
    except KeyUnavailable:
        return FoundChild(case, None, (), None, child.get_sex_display(), anonymised=True)
    name = " ".join(part for part in (names.get("given", ""), names.get("family", "")) if part)
    return FoundChild(
        case, name or (aliases[0] if aliases else ""), aliases, _age(birth, today), child.get_sex_display()
    )


def _age(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
