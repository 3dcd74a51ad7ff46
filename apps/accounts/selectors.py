from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.models import Agency, Membership, Role, User


def membership_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's active memberships, with agency and team, in one query."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user).select_related("agency", "team").order_by("started_at", "pk")


def user_has_role(*, user: User, role: str, agency: Agency | None = None, at: datetime | None = None) -> bool:
    memberships = Membership.objects.active(at=at).filter(user=user, role=role)
    if agency is not None:
        memberships = memberships.filter(agency=agency)
    return memberships.exists()


def user_is_operator(*, user: User, at: datetime | None = None) -> bool:
    return user_has_role(user=user, role=Role.OPERATOR, at=at)


def user_is_agency_admin(*, user: User, agency: Agency) -> bool:
    return user_has_role(user=user, role=Role.AGENCY_ADMIN, agency=agency)


def user_time_zone(*, user: User | AnonymousUser) -> str | None:
    """The zone of the agency the user first joined (of those still active)."""
    if not user.is_authenticated:
        return None
    zones = Membership.objects.active().filter(user=user).order_by("started_at", "pk")
    return zones.values_list("agency__time_zone", flat=True).first()
