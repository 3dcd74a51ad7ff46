"""Text columns of the voice app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "ChildViews.subject": "the id of the decision the views are on, a machine key matched by the rules",
    "ChildViews.language": "the name of a language the child was heard in, matched against interpreters' languages",
    "CommunicationProfile.preferred_dialect": "the name of a dialect, used to find an interpreter who speaks it",
    "CommunicationProfile.preferred_language": "the name of a language, used to find an interpreter who speaks it",
    "InformationSession.dialect": "the name of the dialect the session was held in, matched against interpreters",
    "InformationSession.language": "the name of the language the session was held in, matched against interpreters",
    "Interpreter.agency_name": "the interpreting agency an interpreter on the roster works for",
    "Interpreter.dialects": "the dialects a rostered interpreter works in, used for matching",
    "Interpreter.languages": "the languages a rostered interpreter works in, used for matching",
    "Interpreter.name": "the name of a professional interpreter on an agency's roster",
}
