"""A best-interests assessment's sections are sealed with the child's key: the table holds
ciphertext, and the admin still shows the words to the case's caseworker. (The columns left
plain are listed, with why, in plain_text.py.)"""

import pytest
from django.urls import reverse

from apps.bestinterests import services
from apps.bestinterests.models import BIA_SECTIONS
from tests.bestinterests.factories import DAY, NOW, world
from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db

NEEDS = "Fictional: she needs a school place near her aunt and weekly counselling"


def test_a_section_is_ciphertext_in_the_table_and_words_on_the_admin_page(client):
    w = world()
    bia = services.bia_start(actor=w.caseworker, case=w.case, at=NOW - 2 * DAY)
    sections = {section: f"Fictional {section} notes." for section in BIA_SECTIONS} | {"needs": NEEDS}
    bia = services.bia_update(actor=w.caseworker, assessment=bia, sections=sections)
    assert NEEDS.encode() not in _raw(bia, "needs")
    assert stored(bia, "needs") == NEEDS
    w.caseworker.is_staff = True
    w.caseworker.save(update_fields=["is_staff"])
    client.force_login(w.caseworker)
    page = client.get(reverse("admin:bestinterests_bestinterestsassessment_change", args=[bia.pk]))
    assert page.status_code == 200
    assert NEEDS in page.content.decode()
