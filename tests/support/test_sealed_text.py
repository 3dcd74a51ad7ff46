"""Why a supervisor refused an "other" reason, and whom the child cooperates with outside Haven,
are sealed with the child's key: the tables hold ciphertext, and the admin still shows the
words to the case's staff."""

from html import unescape

import pytest
from django.urls import reverse

from apps.support.models import CooperationStatus, EndReason, OtherReasonApproval
from apps.support.services import cooperation_record, other_reason_refuse, service_end
from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored
from tests.support.factories import case_with_staff, requested

pytestmark = pytest.mark.django_db

REFUSED = "Fictional: support never waits on what she tells the detectives"
WITH = "Fictional: the trafficking unit of the Montalba prosecutor"


@pytest.fixture
def records():
    case, caseworker, boss = case_with_staff()
    for user in (caseworker, boss):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    service = requested(case, caseworker)
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="Fictional: she moved programme.")
    approval = other_reason_refuse(actor=boss, approval=OtherReasonApproval.objects.get(), why=REFUSED)
    cooperation = cooperation_record(actor=caseworker, case=case, status=CooperationStatus.COOPERATING, with_name=WITH)
    return {"case": case, "boss": boss, "approval": approval, "cooperation": cooperation}


def test_the_tables_hold_ciphertext_of_what_was_typed(records):
    for record, column, text in [(records["approval"], "decision_note", REFUSED),
                                 (records["cooperation"], "with_name", WITH)]:  # fmt: skip
        assert text.encode() not in _raw(record, column), column
        assert stored(record, column, records["case"]) == text


def test_the_admin_shows_the_words_to_the_supervisor(client, records):
    client.force_login(records["boss"])
    for model, record, text in [("otherreasonapproval", records["approval"], REFUSED),
                                ("cooperationrecord", records["cooperation"], WITH)]:  # fmt: skip
        page = client.get(reverse(f"admin:support_{model}_change", args=[record.pk]))
        assert page.status_code == 200
        assert text in unescape(page.content.decode()), model
