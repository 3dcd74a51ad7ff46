"""Text columns of the casework app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "OutsideParticipant.agency_name": "the agency a professional without an account came to the conference for",
    "OutsideParticipant.name": "the name of a professional from another agency present at the conference",
}
