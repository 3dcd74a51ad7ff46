"""Facts that gate a rule: which rule each one gates, and which way of changing it lifts a protection.

DOMAIN: "Facts that gate a rule (unaccompanied or separated, parents implicated, birth date
and its basis, protection claims, flags on identity documents) change only with a recorded
reason; a change that would lift a protection needs a supervisor." A change that adds a
protection (ticking "unaccompanied", a later birth date, a new claim) needs a reason only.
"""

from datetime import date
from typing import Any

from apps.cases.models import Child, GatingFact

# Yes/no facts whose "yes" protects the child; unticking one lifts that protection.
#   unaccompanied, separated, parents implicated or in conflict → a guardian (R1);
#   a document flagged as possibly false, or disputed by the person → it ends nothing (R2);
#   a finding of a real risk of serious harm → no return there (R4).
PROTECTIVE_FLAGS = frozenset({
    GatingFact.UNACCOMPANIED, GatingFact.SEPARATED, GatingFact.PARENTS_IMPLICATED,
    GatingFact.PARENTS_CONFLICT_OF_INTEREST, GatingFact.IDENTITY_DOCUMENT_FLAG, GatingFact.IDENTITY_DOCUMENT_DISPUTE,
    GatingFact.NON_REFOULEMENT_FINDING,
})  # fmt: skip

# The child's own fields among the gating facts (apps/cases holds them).
CHILD_GATING_FIELDS = (
    GatingFact.UNACCOMPANIED, GatingFact.SEPARATED, GatingFact.PARENTS_IMPLICATED,
    GatingFact.PARENTS_CONFLICT_OF_INTEREST, GatingFact.BIRTH_DATE_BASIS,
)  # fmt: skip

# Statuses of a protection claim under which a return to the country it concerns is blocked
# (apps.rights.models.ClaimStatus values; an appeal pending keeps the claim open).
PROTECTIVE_CLAIM_STATUSES = frozenset({
    "pending", "appeal_pending", "refugee_status_granted", "subsidiary_protection_granted",
})  # fmt: skip

RULE_OF_FACT: dict[str, str] = {
    GatingFact.UNACCOMPANIED: "GUARDIAN_REQUIRED",
    GatingFact.SEPARATED: "GUARDIAN_REQUIRED",
    GatingFact.PARENTS_IMPLICATED: "GUARDIAN_REQUIRED",
    GatingFact.PARENTS_CONFLICT_OF_INTEREST: "GUARDIAN_REQUIRED",
    GatingFact.BIRTH_DATE: "PRESUMED_MINOR",
    GatingFact.BIRTH_DATE_BASIS: "PRESUMED_MINOR",
    GatingFact.IDENTITY_DOCUMENT_FLAG: "PRESUMED_MINOR",
    GatingFact.IDENTITY_DOCUMENT_DISPUTE: "PRESUMED_MINOR",
    GatingFact.PROTECTION_CLAIM: "RETURN_BLOCKED_PROTECTION_CLAIM",
    GatingFact.NON_REFOULEMENT_FINDING: "RETURN_BLOCKED_PROTECTION_CLAIM",
}


def fact_rule(fact: str) -> str:
    """The rule code whose protection the fact decides."""
    return RULE_OF_FACT[GatingFact(fact)]


def change_lifts_protection(fact: str, before: Any, after: Any) -> bool:
    """Whether changing `fact` from `before` to `after` takes a protection away.

    - a protective yes/no fact: yes → no lifts;
    - the birth date (a `date`, None when unknown): an earlier date makes the person older
      and lifts; so does a first date where none was known (unknown counts as youngest);
      a later date, or forgetting it, protects more;
    - its basis: becoming "documented" lifts (a document is what can end the presumption,
      R2); any move away from "documented", or between claimed, estimated and unknown, not;
    - a protection claim's status: from one that blocks a return (pending, appeal pending,
      granted) to one that does not (refused, withdrawn, ceased) lifts; a new claim
      (`before` None) protects.
    """
    gating = GatingFact(fact)
    if gating in PROTECTIVE_FLAGS:
        return bool(before) and not bool(after)
    if gating == GatingFact.BIRTH_DATE:
        if after is None:
            return False
        return bool(before is None or _as_date(after) < _as_date(before))
    if gating == GatingFact.BIRTH_DATE_BASIS:
        documented = Child.BirthDateBasis.DOCUMENTED
        return bool(after == documented and before != documented)
    if gating == GatingFact.PROTECTION_CLAIM:
        return before in PROTECTIVE_CLAIM_STATUSES and after not in PROTECTIVE_CLAIM_STATUSES
    raise AssertionError(gating)  # every GatingFact is handled above


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
