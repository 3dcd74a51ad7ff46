"""The one exception for broken rules, and the catalogue of rule codes.

Every code is one of docs/domain.md's, or a `PARENT.DETAIL` refinement of one; a test holds
the catalogue against the domain guide. A refusal carries every violation found, so a
caseworker sees everything still missing at once. Messages are lazily translated and take
their parameters from the violation's facts.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    code: str
    message: Promise

    @property
    def parent(self) -> str:
        return self.code.split(".", 1)[0]


def _rules(*rules: tuple[str, Promise]) -> dict[str, Rule]:
    return {code: Rule(code, message) for code, message in rules}


CATALOGUE: dict[str, Rule] = _rules(
    # R1 — guardian appointment
    ("GUARDIAN_REQUIRED", _("A representative or guardian must be active before %(action)s.")),
    ("GUARDIAN_OVERDUE", _("The %(appointment)s for this child is overdue since %(due)s.")),
    ("GUARDIAN_NOT_ELIGIBLE", _("This person cannot be appointed guardian.")),
    ("GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED", _("The guardian's training is not recorded.")),
    ("GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT",
     _("The guardian works for %(agency)s, which is not independent of the child's case.")),
    ("GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED", _("The guardian's criminal-record check is missing or out of date.")),
    ("GUARDIAN_NOT_ELIGIBLE.CASELOAD_FULL",
     _("The guardian already has %(wards)s wards (limit %(cap)s); a supervisor may exceed it with a reason.")),
    ("GUARDIAN_NOT_ELIGIBLE.ALREADY_APPOINTED",
     _("This child already has a %(kind)s: hand over to the new one, or record why both act at once.")),
    ("GUARDIAN_HANDOVER_GAP", _("The new guardian's appointment must start no later than the old one ends.")),
    ("GUARDIAN_REQUIRED.FACT_CHANGE_NO_REASON",
     _("Record why %(fact)s changes: it decides whether the child needs a guardian.")),
    ("GUARDIAN_REQUIRED.FACT_CHANGE_NEEDS_SUPERVISOR",
     _("Changing %(fact)s this way lifts the need for a guardian: only a supervisor may, with a reason.")),
    ("GUARDIAN_OPINION_REQUIRED", _("The guardian's opinion must be recorded before %(action)s.")),
    # R2 — presumption of minority
    ("PRESUMED_MINOR", _("This person is presumed to be a child until their age is settled; %(action)s is refused.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED", _("An age assessment cannot be opened yet.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.NO_LAST_RESORT_REASON",
     _("Record why documents and interviews could not settle the age.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.NO_GUARDIAN", _("An active representative or guardian must oversee the assessment.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.NO_INFORMED_CONSENT",
     _("The child's informed consent, in a language they understand, is not recorded.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.TOO_FEW_PROFESSIONALS",
     _("At least two professionals of different disciplines must carry out the assessment.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.NO_DISABILITY_ADAPTATION",
     _("Record how the assessment is adapted to the child's disability.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.MEDICAL_BEFORE_PSYCHOSOCIAL",
     _("A medical method may be added only after an inconclusive psycho-social assessment.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.PROHIBITED_METHOD", _("Genital or nude examination is never part of an assessment.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.APPEARANCE_ALONE",
     _("Appearance or demeanour alone settle nothing: say which findings the result rests on.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.NO_CONCLUSIVE_METHOD",
     _("No method was conclusive: record the result as inconclusive, which leaves the person a child.")),
    ("AGE_ASSESSMENT_NOT_ALLOWED.NO_APPEAL_INFORMATION", _("The decision must tell the child how to appeal.")),
    ("PRESUMED_MINOR.MEDICAL_REFUSAL",
     _("Refusing a medical examination never by itself leads to a finding of adulthood.")),
    ("PRESUMED_MINOR.APPEAL_PERIOD_RUNNING",
     _("The age-assessment conclusion counts only once its appeal period has passed, on %(until)s.")),
    ("PRESUMED_MINOR.APPEAL_PENDING", _("An appeal against the age-assessment conclusion is pending.")),
    ("PRESUMED_MINOR.EXTERNAL_DECISION",
     _("The decision of %(authority)s is external and challengeable: it never ends the presumption by itself.")),
    ("PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM",
     _("The child's own claim gives a later birth date than the %(document)s: the document is disputed and ends "
       "nothing until the child accepts it or an approved assessment settles the age.")),
    ("PRESUMED_MINOR.FACT_CHANGE_NO_REASON",
     _("Record why %(fact)s changes: it decides whether the person is presumed a child.")),
    ("PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR",
     _("Changing %(fact)s this way could end the presumption of minority: only a supervisor may, with a reason.")),
    # R3 — never detained, never punished
    ("NEVER_DETAIN", _("A child is never placed in detention; record a held event instead.")),
    ("NON_PUNISHMENT", _("The child faces charges for acts that may result from being trafficked.")),
    ("PLACEMENT_JUSTIFICATION_REQUIRED", _("A shelter or institution needs a written justification.")),
    ("PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED",
     _("Siblings stay together unless a best-interests decision says otherwise.")),
    ("PLACEMENT_JUSTIFICATION_REQUIRED.MOTHER_AND_BABY_SEPARATED",
     _("A young mother stays with her baby unless a best-interests decision says otherwise.")),
    # R4 — return and release only when safe
    ("RETURN_REQUIRES_BID", _("An approved best-interests determination must recommend this move.")),
    ("RETURN_REQUIRES_BID.NOT_APPROVED", _("The best-interests determination is not approved yet.")),
    ("RETURN_REQUIRES_BID.DOES_NOT_RECOMMEND", _("The best-interests determination does not recommend this move.")),
    ("RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION",
     _("A move across a border to %(country)s (a placement, a transfer or a handover there) needs a decided "
       "durable solution for that country.")),
    ("RETURN_REQUIRES_RISK_ASSESSMENT", _("A completed risk and security assessment must find the move safe.")),
    ("RETURN_REQUIRES_RISK_ASSESSMENT.EXPIRED", _("The risk and security assessment is older than %(days)s days.")),
    ("RETURN_REQUIRES_RISK_ASSESSMENT.NOT_SAFE", _("The risk and security assessment does not find the move safe.")),
    ("RETURN_REQUIRES_REINTEGRATION_PLAN", _("A reintegration plan is required.")),
    ("RETURN_REQUIRES_REINTEGRATION_PLAN.NO_RECEIVING_AGENCY", _("Name the receiving agency.")),
    ("RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER",
     _("Name a caregiver who has agreed and is able to care for the child.")),
    ("RETURN_REQUIRES_REINTEGRATION_PLAN.SERVICES_UNCONFIRMED",
     _("Confirm that the services the child needs are available before departure.")),
    ("RETURN_REQUIRES_REINTEGRATION_PLAN.NO_ESCORT", _("Name an escort.")),
    ("RETURN_REQUIRES_REINTEGRATION_PLAN.NO_STATE_CONSULTATION",
     _("Record the receiving state's consultation for a placement abroad.")),
    ("RETURN_REQUIRES_CHILD_VIEWS", _("The child's views and the guardian's consent are required.")),
    ("RETURN_REQUIRES_CHILD_VIEWS.NO_VIEWS", _("Record the child's views on the move.")),
    ("RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT", _("Record the guardian's consent to the move.")),
    ("RETURN_REQUIRES_CHILD_VIEWS.OBJECTION_NOT_ADDRESSED",
     _("The child objects: the determination must say why the move is still in their best interests, and the child "
       "must be told how to appeal.")),
    ("RETURN_BLOCKED_PROTECTION_CLAIM", _("The child may not be returned while protection is claimed or needed.")),
    ("RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING", _("An asylum or international-protection claim is pending.")),
    ("RETURN_BLOCKED_PROTECTION_CLAIM.REFUGEE_STATUS", _("The child has refugee status.")),
    ("RETURN_BLOCKED_PROTECTION_CLAIM.RISK_OF_SERIOUS_HARM", _("A real risk of serious harm on return was found.")),
    ("RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NO_REASON",
     _("Record why the %(fact)s changes: it decides whether a return is blocked.")),
    ("RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NEEDS_SUPERVISOR",
     _("Changing the %(fact)s this way lifts the block on return: only a supervisor may, with a reason.")),
    ("RELEASE_REQUIRES_VERIFICATION", _("A release to an adult needs their verification first.")),
    ("RELEASE_REQUIRES_VERIFICATION.IDENTITY", _("Verify the adult's identity.")),
    ("RELEASE_REQUIRES_VERIFICATION.RELATIONSHIP", _("Verify the adult's relationship to the child.")),
    ("RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT",
     _("Complete a family assessment that covers any links to the exploitation.")),
    ("RELEASE_REQUIRES_VERIFICATION.GUARDIAN_OPINION", _("Record the guardian's opinion on the release.")),
    ("RELEASE_REQUIRES_VERIFICATION.NOT_SUITABLE",
     _("The latest family assessment concludes that this adult's family is not suitable.")),
    ("RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK", _("A link between this adult and the exploitation is suspected.")),
    # R5 — support is unconditional
    ("SERVICES_UNCONDITIONAL", _("Services never depend on the child's cooperation with an investigation.")),
    ("SERVICES_UNCONDITIONAL.COOPERATION",
     _("A service may not depend on the child's cooperation with an investigation or prosecution.")),
    ("SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS",
     _("A service may not depend on the child's identification status.")),
    ("SERVICES_UNCONDITIONAL.NATIONALITY",
     _("A service may not depend on the child's nationality or migration status.")),
    # R6 — informed and heard
    ("CHILD_VIEWS_REQUIRED",
     _("Record the child's views on %(decision)s, or why they could not be heard and what was tried.")),
    ("CHILD_VIEWS_REQUIRED.AGE_IS_NOT_A_REASON", _("Age alone is never a reason not to hear a child.")),
    ("CHILD_VIEWS_REQUIRED.NO_METHOD_TRIED", _("Say which method was tried to hear the child.")),
    ("CHILD_VIEWS_REQUIRED.LEAFLET_IS_NOT_A_SESSION",
     _("Printing a leaflet is not an information session: record how the child was told and understood.")),
    ("CHILD_VIEWS_REQUIRED.UNDERSTANDING_NOT_RECORDED", _("Record how the child showed they understood.")),
    ("CHILD_VIEWS_REQUIRED.INTERPRETER_NOT_INDEPENDENT",
     _("%(interpreter)s has not declared that they have no link to the suspects of this case.")),
    ("CHILD_VIEWS_REQUIRED.GENDER_PREFERENCE_NOT_RESPECTED",
     _("The child prefers a %(preferred)s interviewer: record why this was not possible.")),
    # R7 — best interests decide
    ("BID_REQUIRED", _("A best-interests determination is required before %(action)s.")),
    ("BID_REQUIRED.PANEL_TOO_SMALL", _("A panel needs at least three members from at least two disciplines.")),
    ("BID_REQUIRED.NO_CONFIDENTIALITY_UNDERTAKING",
     _("Every panel member needs a confidentiality undertaking on file.")),
    ("BID_REQUIRED.APPROVER_ON_PANEL", _("The approving supervisor must not have sat on the panel.")),
    ("BID_REQUIRED.ALREADY_DECIDED", _("A decided determination is never edited; open a review instead.")),
    ("BID_REQUIRED.BIA_INCOMPLETE", _("The best-interests assessment still lacks: %(sections)s.")),
    ("BID_REQUIRED.NO_AUTHORITY_DECISION", _("Name the court or authority and the date of its decision.")),
    ("BID_REQUIRED.NO_RECOMMENDATION", _("State the durable solution the determination recommends.")),
    ("BID_REQUIRED.NO_OPTIONS_WEIGHED", _("Record the options weighed, each with its reasons for and against.")),
    ("BID_REQUIRED.OPTION_WITHOUT_REASONS", _("Every option weighed needs its reasons for and against.")),
    ("BID_REQUIRED.RECOMMENDATION_NOT_WEIGHED", _("The recommendation (%(solution)s) is not among the options weighed.")),
    ("BID_REQUIRED.NO_TRACING_OUTCOME",
     _("Record the family-tracing results, or why tracing was not done (unsafe, the child refuses, a protection claim).")),
    ("BID_REQUIRED.NO_RISK_ASSESSMENT", _("Link the risk and security assessment, or record why none applies.")),
    ("BID_REQUIRED.NO_REASONS", _("Record the reasons for the determination.")),
    ("BID_REQUIRED.OBJECTION_NOT_ADDRESSED",
     _("The child objects: say why the recommendation is still in their best interests.")),
    ("BID_REQUIRED.REVIEW_NOT_EXPLAINED", _("The child must be told the outcome and how to seek a review.")),
    ("BID_REQUIRED.NO_DECIDED_SOLUTION",
     _("No durable solution is decided yet: a supervisor decides it, on the determination, before it is put in place.")),
    ("BID_REQUIRED.SOLUTION_NOT_IMPLEMENTED", _("Record that the decided solution is in place before follow-up starts.")),
    # R8 — privacy and need to know
    ("SHARING_NOT_ALLOWED", _("This information may not be shared.")),
    ("SHARING_NOT_ALLOWED.NO_LEGAL_BASIS", _("Record the legal basis and purpose of the referral.")),
    ("SHARING_NOT_ALLOWED.SECTION_NOT_SHARED", _("The referral does not share the %(section)s section.")),
    ("SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN",
     _("Nothing is sent to the authorities of the child's country of origin while protection is claimed or "
       "contact could endanger the child or family.")),
    ("SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS",
     _("Contact with the authorities of the child's country of origin needs the child's informed views first.")),
    ("SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT",
     _("Contact with the authorities of the child's country of origin needs the guardian's consent.")),
    ("SHARING_NOT_ALLOWED.REFERRAL_NOT_ACTIVE", _("The referral is no longer active.")),
    ("SHARING_NOT_ALLOWED.NO_LEGAL_REFERENCE", _("Name the court order the referral relies on.")),
    ("SHARING_NOT_ALLOWED.CONSENT_INCOMPLETE", _("Consent is the legal basis, but %(part)s is not recorded.")),
    ("SHARING_NOT_ALLOWED.SECTIONS_BEYOND_PURPOSE",
     _("The purpose of this referral does not need these sections: %(sections)s.")),
    ("SHARING_NOT_ALLOWED.NOT_FOR_PROTECTION",
     _("%(agency)s receives a child's data only for the child's protection: refer for police protection.")),
    ("SHARING_NOT_ALLOWED.URGENT_NO_REASON", _("Say why the child's protection is urgent.")),
    # A referral that cannot be made as entered, or a reply at the wrong step.
    ("SHARING_NOT_ALLOWED.UNKNOWN_AGENCY", _("Choose an active agency to receive the referral.")),
    ("SHARING_NOT_ALLOWED.OWN_AGENCY", _("A referral goes to another agency, not to %(agency)s itself.")),
    ("SHARING_NOT_ALLOWED.NO_SECTIONS", _("Choose at least one section to share.")),
    ("SHARING_NOT_ALLOWED.UNKNOWN_SECTION", _("Not a section of the record: %(sections)s.")),
    ("SHARING_NOT_ALLOWED.NO_SERVICE", _("Choose the service asked for.")),
    ("SHARING_NOT_ALLOWED.DEADLINE_PASSED", _("The %(field)s (%(value)s) has already passed.")),
    ("SHARING_NOT_ALLOWED.ALREADY_REPLIED", _("The referral is already %(state)s.")),
    ("SHARING_NOT_ALLOWED.NOT_ACCEPTED", _("Accept the referral before reporting it completed.")),
    ("SHARING_NOT_ALLOWED.NOT_AWAITING_REVIEW", _("This referral does not await a supervisor's review.")),
    ("SHARING_NOT_ALLOWED.NOT_A_GUARDIANSHIP_AUTHORITY",
     _("A guardian is asked of an active guardianship authority of the case's country; %(agency)s is not one.")),
    ("SHARING_NOT_ALLOWED.TRANSFER_NO_RECEIVER",
     _("A case is transferred to an active child-protection agency; there is none at %(place)s.")),
    ("SHARING_NOT_ALLOWED.TRANSFER_CASE_CLOSED", _("A closed case is not transferred: reopen it first.")),
    ("SHARING_NOT_ALLOWED.TRANSFER_ALREADY_ASKED", _("A transfer of this case to %(agency)s is already under way.")),
    ("SHARING_NOT_ALLOWED.BULK_EXPORT_UNAPPROVED", _("A bulk export of identifiable data needs a second person's approval.")),
    # The workflow: "a case closes only when its closure criteria are met" (no code in the
    # guide; Haven names it so that a refusal reads like every other).
    ("CLOSURE_CRITERIA_UNMET", _("The case cannot close yet.")),
    ("CLOSURE_CRITERIA_UNMET.NOT_A_SUPERVISOR", _("Only a supervisor of the agency closes a case.")),
    ("CLOSURE_CRITERIA_UNMET.SERVICES_ACTIVE",
     _("%(count)s support service(s) still requested or being provided: end them, or a supervisor records why "
       "the case closes anyway.")),
    ("CLOSURE_CRITERIA_UNMET.COMPLAINT_UNANSWERED",
     _("%(count)s complaint(s) on this case still wait for an answer to the child.")),
    ("CLOSURE_CRITERIA_UNMET.FOLLOW_UPS_OUTSTANDING",
     _("%(count)s follow-up visit(s) not done yet: record them, or a supervisor records why the case closes anyway.")),
    ("CLOSURE_CRITERIA_UNMET.AFTERCARE_FIRST",
     _("The young person has come of age with the case open: move it to aftercare rather than closing it, or a "
       "supervisor records why it closes.")),
    # "Who is who": nobody grants themselves a role that reaches case data; a second person of
    # the agency approves every such grant (no code in the guide; Haven names it).
    ("ROLE_APPROVAL_REQUIRED", _("A role that reaches case data needs a second person of the agency to approve it.")),
    ("ROLE_APPROVAL_REQUIRED.SELF", _("Nobody approves, or asks for, a role that reaches case data for themselves.")),
    ("ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER",
     _("Only a supervisor or another administrator of %(agency)s, or a supervisor of the partner agency it names "
       "as approver, approves this role.")),
    ("ROLE_APPROVAL_REQUIRED.NOT_PENDING", _("This role is not awaiting approval.")),
    ("ROLE_APPROVAL_REQUIRED.OPERATOR",
     _("An operator creates agencies and their first administrator only; the role of %(role)s is granted by the "
       "agency itself.")),
    # Every rule reads its dates as given: a year mistyped (2999, 1850) would move the presumption
    # of minority, a deadline or which placement is current. Each kind's bounds: apps/core/dates.py.
    ("DATE_NOT_PLAUSIBLE", _("The %(field)s (%(value)s) is not a plausible date.")),
    ("DATE_NOT_PLAUSIBLE.IN_THE_FUTURE",
     _("The %(field)s (%(value)s) is in the future: record only what has already happened.")),
    ("DATE_NOT_PLAUSIBLE.TOO_EARLY", _("The %(field)s (%(value)s) is before %(earliest)s: check the year.")),
    ("DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD",
     _("The %(field)s (%(value)s) is more than %(years)s years ahead (after %(latest)s): check the year.")),
    # "Who is who": out of hours, a caseworker on duty opens a case they cannot see for urgent
    # protection, stating why; read-only, alerted and reviewed (no code in the guide; Haven names it).
    ("BREAK_GLASS_NOT_ALLOWED", _("Break-glass cannot open the case %(case)s: its child's record was anonymised.")),
    ("BREAK_GLASS_NOT_ALLOWED.EMPTY_REASON", _("State the urgent-protection reason for opening this case.")),
    ("BREAK_GLASS_NOT_ALLOWED.OFFICE_HOURS",
     _("%(agency)s is open now (%(opens)s-%(closes)s, %(zone)s): ask its staff; break-glass is for out of hours.")),
    ("BREAK_GLASS_NOT_ALLOWED.ALREADY_VISIBLE", _("You can already read the case %(case)s: no break-glass needed.")),
    ("BREAK_GLASS_NOT_ALLOWED.NOT_ON_DUTY", _("Only a caseworker on duty opens a case by break-glass.")),
    ("BREAK_GLASS_NOT_ALLOWED.ALREADY_REVIEWED", _("The break-glass reading of %(case)s has already been reviewed.")),
    # A case's documents: only files a caseworker needs and Haven can hand back safely
    # (apps/cases/uploads.py: the types, by content; the size limit, HAVEN_UPLOAD_MAX_BYTES).
    ("DOCUMENT_NOT_ACCEPTED", _("This file is not accepted.")),
    ("DOCUMENT_NOT_ACCEPTED.EMPTY", _("The file is empty.")),
    ("DOCUMENT_NOT_ACCEPTED.TOO_LARGE",
     _("The file is %(size)s; files of at most %(limit)s are accepted: scan at a lower resolution or split it.")),
    ("DOCUMENT_NOT_ACCEPTED.TYPE_NOT_ALLOWED",
     _("Only %(allowed)s files are accepted; by its content this file is none of them.")),
)  # fmt: skip

# Codes of Haven's own for rules the guide states without a code.
HAVEN_CODES = frozenset(
    {
        "CLOSURE_CRITERIA_UNMET",
        "ROLE_APPROVAL_REQUIRED",
        "DATE_NOT_PLAUSIBLE",
        "DOCUMENT_NOT_ACCEPTED",
        "BREAK_GLASS_NOT_ALLOWED",
    }
)


class _Facts(dict[str, Any]):
    """Missing parameters render as a visible placeholder, never as a crash."""

    def __missing__(self, key: str) -> str:
        return f"[{key}]"


@dataclass(frozen=True)
class Violation:
    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise KeyError(f"{self.code} is not in the rule catalogue")

    @property
    def rule(self) -> Rule:
        return CATALOGUE[self.code]

    @property
    def message(self) -> str:
        """The rule's message in the active language, with the facts filled in."""
        return str(self.rule.message) % _Facts({k: str(v) for k, v in self.facts.items()})

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "facts": {k: str(v) for k, v in self.facts.items()}}


class RuleViolation(Exception):
    """An action refused by one or more of the domain's rules."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = tuple(violations)
        if not self.violations:
            raise ValueError("a RuleViolation needs at least one violation")
        super().__init__("; ".join(v.code for v in self.violations))

    @property
    def code(self) -> str:
        return self.violations[0].code

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]

    @property
    def messages(self) -> list[str]:
        return [v.message for v in self.violations]


class Violations:
    """Collects every violation a guard finds, then refuses once with all of them."""

    def __init__(self) -> None:
        self._found: list[Violation] = []

    def add(self, code: str, **facts: Any) -> None:
        self._found.append(Violation(code, facts))

    def check(self, condition: bool, code: str, **facts: Any) -> None:
        """Record `code` unless `condition` holds."""
        if not condition:
            self.add(code, **facts)

    def __bool__(self) -> bool:
        return bool(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            raise RuleViolation(self._found)


def refuse(code: str, **facts: Any) -> RuleViolation:
    """One-violation refusal: `raise refuse("NEVER_DETAIN", type=...)`."""
    return RuleViolation([Violation(code, facts)])
