from datetime import date

from apps.rights.models import CriminalProceeding
from apps.rights.services import criminal_proceeding_record
from tests.care.factories import case_with_staff, guardian_for

__all__ = ["case_with_staff", "guardian_for", "proceeding_for"]


def proceeding_for(case, caseworker, **kwargs) -> CriminalProceeding:
    values = {"child_role": "victim", "reference": "PROC-2026-0042", "stage_since": date(2026, 1, 5), **kwargs}
    return criminal_proceeding_record(actor=caseworker, case=case, **values)
