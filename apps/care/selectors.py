from datetime import datetime

from django.db.models import Q

from apps.care.models import Placement
from apps.cases.models import Case


def current_placements(*, case: Case, at: datetime) -> list[Placement]:
    return list(
        Placement.objects.filter(case=case, starts_at__lte=at)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .select_related("provider")
    )


def care_provider_agency_ids(*, case: Case, at: datetime) -> set[int]:
    """Agencies caring for the child now: their staff are not independent guardians (R1)."""
    return {p.provider_id for p in current_placements(case=case, at=at) if p.provider_id is not None}
