"""Text columns of the bestinterests app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "BestInterestsDetermination.authority_name": "the name of the court or authority that decided instead of a panel",
    "BestInterestsDetermination.authority_reference": "the reference the court or authority gave its decision",
}
