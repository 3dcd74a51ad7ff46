"""Text columns of the referrals app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "Referral.legal_reference": "the law or the court order's docket number relied on, a citation not the child",
}
PLAIN_TEXT["IncomingReferral.legal_reference"] = PLAIN_TEXT["Referral.legal_reference"]  # the receiver's view of it
