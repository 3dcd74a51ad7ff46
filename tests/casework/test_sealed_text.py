"""A case note is sealed with the child's key: the table holds ciphertext, and the admin still
shows the words to the case's caseworker. (The casework columns left plain are listed, with
why, in plain_text.py.)"""

import pytest
from django.urls import reverse

from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored
from tests.casework.factories import note, team_world

pytestmark = pytest.mark.django_db

BODY = "Fictional: settled well, asked to join the Saturday football club"


def test_a_note_is_ciphertext_in_the_table_and_words_on_the_admin_page(client):
    case, caseworker, _, _ = team_world()
    written = note(caseworker, case, body=BODY)
    assert BODY.encode() not in _raw(written, "body")
    assert stored(written, "body") == BODY
    caseworker.is_staff = True
    caseworker.save(update_fields=["is_staff"])
    client.force_login(caseworker)
    page = client.get(reverse("admin:casework_casenote_change", args=[written.pk]))
    assert page.status_code == 200
    assert BODY in page.content.decode()
