"""Account columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py).

They describe the agencies, teams and staff who use Haven, never the children in its cases.
"""

PLAIN_TEXT: dict[str, str] = {
    "Agency.name": "The name of an organisation using Haven (a shelter, the police, a guardianship authority).",
    "Agency.jurisdiction": "The area an agency serves, as the agency describes itself; no child is named there.",
    "Agency.time_zone": "An IANA time-zone name (Europe/Lisbon) used to compute the agency's deadlines.",
    "MembershipEvent.note": "Why a staff member's role request was refused: about a colleague's access, written "
    "by an approver, never about a child.",
    "Team.name": "The name of a team of staff inside an agency, chosen by its administrators.",
    "User.email": "A staff member's login address; children have no accounts in Haven.",
    "User.full_name": "A staff member's name, shown to colleagues; children have no accounts in Haven.",
    "User.password": "A one-way password hash of a staff member's login, never readable text at all.",
}
