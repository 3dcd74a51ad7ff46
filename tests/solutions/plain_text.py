"""The solutions app's text columns left plain: organisations, professionals' roles and
authorities' references, never what a person typed about a child."""

PLAIN_TEXT: dict[str, str] = {
    "FollowUpVisit.visited_by": "the role and organisation of the professional who made the visit",
    "ReintegrationPlan.escort": "the role and organisation of the professional travelling with the child",
    "ReintegrationPlan.receiving_agency_name": "the name and town of the receiving agency when not in Haven",
    "ReintegrationPlan.state_consultation_reference": "the reference the receiving state gave the consultation",
    "ReintegrationService.provider": "the name of the organisation providing the service on arrival",
}
