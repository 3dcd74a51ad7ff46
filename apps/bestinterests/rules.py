"""The guards of R7, one small function each. They add to a Violations collector.

`determination_in_place` and `lighter_path_applies` are what other apps ask before a durable
solution; the rest are the conditions of deciding and approving a determination.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsDetermination,
    DeterminationKind,
    OptionWeighed,
    PanelMember,
    SolutionKind,
)
from apps.bestinterests.selectors import current_determination, latest_completed_assessment
from apps.cases.models import Case
from apps.core.rules import Violations

if TYPE_CHECKING:
    from apps.family.models import Relative

PANEL_MIN_MEMBERS = 3
PANEL_MIN_DISCIPLINES = 2
# The family assessment's conclusion that lets reunification skip a determination.
SUITABLE = "suitable"


def determination_in_place(found: Violations, *, case: Case, solution: str, at: datetime, action: str) -> None:
    """BID_REQUIRED unless the determination in force at `at` recommends `solution`."""
    current = current_determination(case=case, at=at)
    if current is None or current.recommendation != solution:
        found.add("BID_REQUIRED", action=action)


def lighter_path_applies(*, case: Case, relative: Relative, at: datetime) -> bool:
    """Reunification with a parent in the same country where nothing indicates risk needs no
    determination: a completed BIA and a completed family assessment of that parent that
    covers links to the exploitation and finds the home suitable, parents neither implicated
    nor in conflict of interest, the case's risk neither high nor critical, and nothing on the
    relative suggesting a link to the exploitation. The caller asks it for reunification
    inside the country only; a parent recorded in another country never qualifies."""
    from apps.family.selectors import family_assessment_for

    child = case.child
    nothing_indicates_risk = (
        relative.case_id == case.pk
        and relative.is_parent
        and not relative.deceased
        # A suspected link to the exploitation is risk; a parent abroad is not "the same country".
        and not relative.suspected_link
        and (not relative.country or relative.country == case.owning_agency.country)
        and not (child.parents_implicated or child.parents_conflict_of_interest)
        and case.risk_level not in (Case.RiskLevel.HIGH, Case.RiskLevel.CRITICAL)
    )
    if not nothing_indicates_risk or latest_completed_assessment(case=case, at=at) is None:
        return False
    assessment = family_assessment_for(relative=relative, at=at)
    return bool(
        assessment is not None
        and assessment.completed_at <= at
        and assessment.covers_exploitation_links
        and assessment.conclusion == SUITABLE
    )


def bia_complete(found: Violations, *, filled: set[str]) -> None:
    """BID_REQUIRED.BIA_INCOMPLETE listing the sections still empty."""
    missing = [name for name in BIA_SECTIONS if name not in filled]
    if missing:
        found.add("BID_REQUIRED.BIA_INCOMPLETE", sections=", ".join(missing))


def panel_constituted(found: Violations, *, determination: BestInterestsDetermination) -> None:
    """At least three members of at least two disciplines, each with an undertaking on file."""
    members = list(PanelMember.objects.filter(determination=determination).values_list("member_id", "discipline"))
    disciplines = {discipline for _member, discipline in members}
    found.check(
        len(members) >= PANEL_MIN_MEMBERS and len(disciplines) >= PANEL_MIN_DISCIPLINES, "BID_REQUIRED.PANEL_TOO_SMALL"
    )
    signed = set(determination.undertakings.values_list("member_id", flat=True))
    unsigned = [member for member, _discipline in members if member not in signed]
    found.check(not unsigned, "BID_REQUIRED.NO_CONFIDENTIALITY_UNDERTAKING", unsigned=len(unsigned))


def authority_decision_recorded(found: Violations, *, determination: BestInterestsDetermination) -> None:
    found.check(
        bool(determination.authority_name.strip()) and determination.authority_decided_on is not None,
        "BID_REQUIRED.NO_AUTHORITY_DECISION",
    )


def options_weighed(found: Violations, *, determination: BestInterestsDetermination, recommendation: str) -> None:
    """Options weighed, each with reasons both ways, the recommendation among them."""
    options = list(OptionWeighed.objects.filter(determination=determination))
    if not options:
        found.add("BID_REQUIRED.NO_OPTIONS_WEIGHED")
        return
    if any(option.reasons_for is None or option.reasons_against is None for option in options):
        found.add("BID_REQUIRED.OPTION_WITHOUT_REASONS")
    if recommendation and recommendation not in {option.solution for option in options}:
        found.add("BID_REQUIRED.RECOMMENDATION_NOT_WEIGHED", solution=SolutionKind(recommendation).label)


def determination_content(
    found: Violations,
    *,
    determination: BestInterestsDetermination,
    recommendation: str,
    has_reasons: bool,
    tracing_done: bool,
    has_risk_basis: bool,
    child_objects: bool,
    objection_addressed: bool,
) -> None:
    """Everything a determination records besides the people: what is weighed and why."""
    if determination.kind == DeterminationKind.PANEL:
        panel_constituted(found, determination=determination)
    else:
        authority_decision_recorded(found, determination=determination)
    found.check(recommendation in SolutionKind.values, "BID_REQUIRED.NO_RECOMMENDATION")
    options_weighed(found, determination=determination, recommendation=recommendation)
    found.check(tracing_done, "BID_REQUIRED.NO_TRACING_OUTCOME")
    found.check(has_risk_basis, "BID_REQUIRED.NO_RISK_ASSESSMENT")
    found.check(has_reasons, "BID_REQUIRED.NO_REASONS")
    found.check(not child_objects or objection_addressed, "BID_REQUIRED.OBJECTION_NOT_ADDRESSED")


def approver_not_on_panel(found: Violations, *, determination: BestInterestsDetermination, approver_id: int) -> None:
    found.check(
        not PanelMember.objects.filter(determination=determination, member_id=approver_id).exists(),
        "BID_REQUIRED.APPROVER_ON_PANEL",
    )
