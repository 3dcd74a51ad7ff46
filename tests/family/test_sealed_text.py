"""Why a tracing request was closed, and why a reason not to trace was withdrawn, are sealed with
the child's key: the tables hold ciphertext, and the admin still shows the words to the case's
caseworker."""

from html import unescape

import pytest
from django.urls import reverse

from apps.family.models import TracingChannel, TracingNotDoneReason
from apps.family.services import (
    tracing_not_done_record,
    tracing_not_done_withdraw,
    tracing_request_close,
    tracing_request_open,
)
from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored
from tests.family.factories import case_with_staff

pytestmark = pytest.mark.django_db

CLOSED = "Fictional: her aunt in Tangier wrote to the Red Cross herself"
WITHDRAWN = "Fictional: the recruiters from his village were convicted"


@pytest.fixture
def records():
    case, caseworker, _ = case_with_staff(child_facts={"unaccompanied": True})
    caseworker.is_staff = True
    caseworker.save(update_fields=["is_staff"])
    request = tracing_request_open(actor=caseworker, case=case, via=TracingChannel.RED_CROSS, country="ES",
                                   sought="Fictional: her aunt")  # fmt: skip
    request = tracing_request_close(actor=caseworker, request=request, reason=CLOSED)
    not_done = tracing_not_done_record(actor=caseworker, case=case, reason=TracingNotDoneReason.UNSAFE,
                                       explanation="Fictional: the family is linked to the recruiters")  # fmt: skip
    not_done = tracing_not_done_withdraw(actor=caseworker, record=not_done, reason=WITHDRAWN)
    return {"caseworker": caseworker, "request": request, "not_done": not_done}


def test_the_tables_hold_ciphertext_of_what_was_typed(records):
    for record, column, text in [(records["request"], "close_reason", CLOSED),
                                 (records["not_done"], "withdraw_reason", WITHDRAWN)]:  # fmt: skip
        assert text.encode() not in _raw(record, column), column
        assert stored(record, column) == text


def test_the_admin_shows_the_words_to_the_caseworker(client, records):
    client.force_login(records["caseworker"])
    for model, record, text in [("tracingrequest", records["request"], CLOSED),
                                ("tracingnotdone", records["not_done"], WITHDRAWN)]:  # fmt: skip
        page = client.get(reverse(f"admin:family_{model}_change", args=[record.pk]))
        assert page.status_code == 200
        assert text in unescape(page.content.decode()), model
