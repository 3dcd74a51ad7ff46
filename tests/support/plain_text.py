"""Text columns of the support app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "OtherReasonApproval.hints": "closed codes of the wording screen (apps.support.rules), never the words typed",
    "SupportService.hints": "closed codes of the wording screen (apps.support.rules), never the words typed",
    "SupportService.provider_name": "the name of a service provider outside Haven, an organisation or professional",
}
