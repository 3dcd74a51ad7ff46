"""The terms the access policy (apps/cases/access.py) joins: reading a case through a grant.

`granted_read` answers "reads this case through a grant": an explicit READ grant to the
person or one of their groups, or their break-glass reading still running. The policy adds
it to the condition for reading the whole case, and never to the condition for acting on
it: a grant is read-only. Kept apart from the selectors, which ask the policy in turn.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.grants.models import READ_CASE, BreakGlass, CaseGroupObjectPermission, CaseUserObjectPermission


def break_glass_active(*, at: datetime | None = None) -> QuerySet[BreakGlass]:
    """Break-glass readings running at `at` (now by default): opened, not yet expired."""
    moment = at or timezone.now()
    return BreakGlass.objects.filter(opened_at__lte=moment, expires_at__gt=moment)


def granted_read(actor: User, at: datetime) -> Q:
    """The cases (the outer query's `pk`) `actor` reads at `at` through an explicit grant or a
    running break-glass; none for someone signed out or inactive."""
    if not actor.is_authenticated or not actor.is_active:
        return Q(pk__in=[])
    to_person = CaseUserObjectPermission.objects.filter(
        user=actor, content_object=OuterRef("pk"), permission__codename=READ_CASE
    )
    to_group = CaseGroupObjectPermission.objects.filter(
        group__user=actor, content_object=OuterRef("pk"), permission__codename=READ_CASE
    )
    opened = break_glass_active(at=at).filter(opened_by=actor, case=OuterRef("pk"))
    return Q(Exists(to_person)) | Q(Exists(to_group)) | Q(Exists(opened))


def break_glass_case_ids(actor: object, case_ids: Iterable[int], *, at: datetime | None = None) -> set[int]:
    """Of `case_ids`, those `actor` reads now under a running break-glass: their reads are marked."""
    ids = [pk for pk in case_ids if pk is not None]
    actor_id = getattr(actor, "pk", None)
    if actor_id is None or not ids:
        return set()
    running = break_glass_active(at=at).filter(opened_by_id=actor_id, case_id__in=ids)
    return set(running.values_list("case_id", flat=True))
