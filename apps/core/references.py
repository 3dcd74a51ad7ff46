"""Readable case references: PREFIX-YEAR-NNNNNN, numbered by one database sequence.

A sequence (not a MAX()+1) so that two registrations at once never share a number, and a
rolled-back registration only leaves a gap.
"""

import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

SEQUENCE = "core_case_reference_seq"
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


def case_reference_prefix() -> str:
    prefix = str(settings.HAVEN_CASE_REFERENCE_PREFIX)
    if not _PREFIX.match(prefix):
        raise ImproperlyConfigured(
            "HAVEN_CASE_REFERENCE_PREFIX must be 2 to 8 capital letters or digits, starting "
            f"with a letter (got {prefix!r})."
        )
    return prefix


def next_case_reference(*, at: datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        (number,) = cursor.fetchone()
    return f"{case_reference_prefix()}-{at.year}-{number:06d}"
