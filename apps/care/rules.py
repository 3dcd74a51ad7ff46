"""The guards of R3 for placements, one small function each. They add to a Violations collector.

Urgent protection (an emergency placement, a safety move) skips every guard here except
`never_detained`: detention is never protection, so urgency is no reason to allow it. A
placement across a border goes through R4's whole gate (`across_border_allowed`) unless it
is urgent; then it is recorded and flagged to its reviewers instead.
"""

import re
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from unidecode import unidecode

from apps.accounts.models import ENFORCEMENT_KINDS, Agency
from apps.care.models import NEEDS_JUSTIFICATION, ChildTie, Placement, PlacementKind, TieKind
from apps.cases.models import Case
from apps.core.rules import Violations
from apps.solutions.models import DurableSolution
from apps.solutions.rules import cross_border_move_allowed

# What custody is called, in the words a form, an import or another server may use (English,
# Portuguese, Spanish, French), after transliteration. A kind outside PlacementKind that
# matches is an attempt to detain; any other unknown kind is simply not a placement type.
DETENTION_VOCABULARY = re.compile(
    r"\b("
    r"detain\w*|detention\w*|detenc\w*|detencao|detenu\w*|custod\w*|garde a vue|"
    r"prison\w*|prision\w*|prisao|prisoes|imprison\w*|incarcerat\w*|jail\w*|gaol\w*|penitenc\w*|penitentiar\w*|carcel\w*|calabozo\w*|"
    r"remand\w*|correction\w*|correccion\w*|reformator\w*|borstal\w*|reclus\w*|internamento|internamiento|"
    r"lock(ed)? ?up\w*|locked|closed|fechad\w*|cerrad\w*|ferme\w*|secure|secured|"
    r"holding|cell|cells|police\w*|policia|gendarmerie|immigration|deportation|removal|expulsion|"
    r"juvenile (hall|justice|justicia|offender\w*)|young offender\w*|youth offender\w*"
    r")\b"
)


def looks_like_custody(kind: str) -> bool:
    words = re.sub(r"[^a-z0-9]+", " ", unidecode(kind).lower()).strip()
    return bool(DETENTION_VOCABULARY.search(words))


def never_detained(found: Violations, *, kind: str, provider: Agency | None) -> None:
    """NEVER_DETAIN for a detention-like kind, or a "placement" in the custody of a police,
    immigration or prosecution agency; a ValidationError for any other unknown kind."""
    if kind not in PlacementKind.values:
        if looks_like_custody(kind):
            found.add("NEVER_DETAIN", kind=kind)
            return
        raise ValidationError({"kind": _("“%(kind)s” is not a placement type.") % {"kind": kind}})
    if provider is not None and provider.kind in ENFORCEMENT_KINDS:
        found.add("NEVER_DETAIN", kind=f"{kind} ({provider.get_kind_display()})")


def placement_justified(found: Violations, *, kind: str, justification: str) -> None:
    found.check(
        kind not in NEEDS_JUSTIFICATION or bool(justification.strip()), "PLACEMENT_JUSTIFICATION_REQUIRED", kind=kind
    )


TIE_APART_CODE = {
    TieKind.SIBLINGS: "PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED",
    TieKind.MOTHER_AND_BABY: "PLACEMENT_JUSTIFICATION_REQUIRED.MOTHER_AND_BABY_SEPARATED",
}


def tied_children_together(
    found: Violations, *, child_id: int, household: uuid.UUID, at: datetime, separation_decision: str
) -> None:
    """Siblings, and a young mother and her baby, live in one household unless a recorded
    best-interests decision says otherwise. A tied child not placed at `at` is not apart."""
    if separation_decision.strip():
        return
    ties = list(ChildTie.objects.filter(Q(child_id=child_id) | Q(tied_to_id=child_id)))
    if not ties:
        return
    others = {tie.other_than(child_id): tie.kind for tie in ties}
    apart = set(
        Placement.objects.filter(case__child_id__in=others, starts_at__lte=at)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .exclude(household=household)
        .values_list("case__child_id", flat=True)
    )
    for code in sorted({TIE_APART_CODE[TieKind(others[other])] for other in apart}):
        found.add(code)


def across_border_allowed(
    found: Violations, *, case: Case, country: str, solution: DurableSolution | None, at: datetime
) -> None:
    """R4 for a placement in another country than the owning agency's, through the one gate for
    every move across a border (`apps.solutions.rules.cross_border_move_allowed`): a durable
    solution of this case for that country, decided (or carried out), whose whole gate still
    holds at `at` (a risk assessment may have expired, a claim been lodged, since the decision)."""
    cross_border_move_allowed(found, case=case, country=country, solution=solution, at=at)
