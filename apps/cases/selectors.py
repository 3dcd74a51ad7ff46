"""Every read of cases and children, scoped at the query by what the actor may see."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.audit.services import record_access_log
from apps.cases.models import Case, Child


def case_visibility(*, actor: User, at: datetime | None = None) -> Q:
    """The one condition for "actor may see this case", from live rows.

    A supervisor sees every case of their agency; a caseworker sees the cases of their
    agency assigned to them or held by one of their teams; a guardian sees their wards'
    cases while the appointment is active. Superuser status and model permissions add
    nothing. Referrals join here when they come.
    """
    from apps.guardianship.selectors import active_appointments

    if not actor.is_authenticated or not actor.is_active:
        return Q(pk__in=[])
    moment = at or timezone.now()
    memberships = Membership.objects.active(at=moment).filter(user=actor)
    supervises = memberships.filter(role=Role.SUPERVISOR, agency=OuterRef("owning_agency"))
    works_in = memberships.filter(role=Role.CASEWORKER, agency=OuterRef("owning_agency"))
    in_team = works_in.filter(team=OuterRef("team"))
    # A guardian, for their ward, while the appointment is active (and they are a guardian).
    guards = active_appointments(at=moment).filter(guardian=actor, case=OuterRef("pk"))
    is_guardian = memberships.filter(role=Role.GUARDIAN)
    return (
        Q(Exists(supervises))
        | (Q(Exists(works_in)) & (Q(assigned_caseworker=actor) | Q(Exists(in_team))))
        | (Q(Exists(guards)) & Q(Exists(is_guardian)))
    )


def case_list(*, actor: User) -> QuerySet[Case]:
    return (
        Case.objects.filter(case_visibility(actor=actor))
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
    visible_cases = Case.objects.filter(case_visibility(actor=actor), child=OuterRef("pk"))
    return Child.objects.filter(Exists(visible_cases))


def case_may_act(*, actor: User, case: Case) -> bool:
    """May change the case: sees it, as caseworker or supervisor of its agency."""
    return Case.objects.filter(case_visibility(actor=actor), pk=case.pk).exists()


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
