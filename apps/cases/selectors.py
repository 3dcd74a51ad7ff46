"""Every read of cases and children, scoped at the query by what the actor may see."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from apps.accounts.models import Membership, User
from apps.audit.services import record_access_log
from apps.cases import access
from apps.cases.access import Action, cases_for
from apps.cases.models import Case, Child

# The access policy's one condition, for the selectors of every app to build on.
case_visibility = access.case_visibility


def case_list(*, actor: User) -> QuerySet[Case]:
    return (
        cases_for(actor, Action.READ)
        .select_related("owning_agency", "team", "assigned_caseworker", "child")
        .order_by("-created_at")
    )


def case_get(*, actor: User, reference: str, channel: str, action: str = "view") -> Case:
    """One case the actor may see, its read logged; otherwise 404 (the denial logged too)."""
    case = case_list(actor=actor).filter(reference=reference).first()
    if case is None:
        existing = Case.objects.filter(reference=reference).first()
        record_access_log(actor=actor, case=existing, action=action, channel=channel, allowed=False)
        raise Http404
    record_access_log(actor=actor, case=case, action=action, channel=channel, allowed=True)
    return case


def child_list(*, actor: User) -> QuerySet[Child]:
    visible_cases = cases_for(actor, Action.READ).filter(child=OuterRef("pk"))
    return Child.objects.filter(Exists(visible_cases))


def case_may_act(*, actor: User, case: Case) -> bool:
    """Sees the case (its role towards it is asked by `access.require`)."""
    return cases_for(actor, Action.READ).filter(pk=case.pk).exists()


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
    found = case_list(actor=actor).filter(child_id__in=wanted)
    return sorted(((case, wanted[case.child_id]) for case in found), key=lambda pair: (-pair[1], pair[0].reference))[
        :limit
    ]
