"""The service-admin kit opens its screens by the access policy's roles, whoever else signs in."""

import pytest
from django.urls import reverse

VOICE = "admin:voice_childviews_changelist"  # opened for the case's staff, guardians and partners
RIGHTS_ADD = "admin:rights_protectionclaim_add"  # read by guardians, recorded by the case's staff


# A partner opens the list too: a referral may share the child's communication, and the list
# holds only what it shares (tests/access walks every such cell).
@pytest.mark.parametrize("role", ["caseworker", "supervisor", "guardian", "partner"])
def test_the_case_roles_guardians_and_partners_open_the_childs_voice(request, role):
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(reverse(VOICE)).status_code == 200


@pytest.mark.parametrize("role", ["agency_admin", "operator", "analyst", "superuser"])
def test_no_other_role_nor_superuser_status_opens_a_childs_records(request, role):
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(reverse(VOICE)).status_code == 403


def test_a_guardian_reads_rights_records_but_records_none(guardian_client, caseworker_client):
    assert guardian_client.get(reverse("admin:rights_protectionclaim_changelist")).status_code == 200
    assert guardian_client.get(reverse(RIGHTS_ADD)).status_code == 403
    assert caseworker_client.get(reverse(RIGHTS_ADD)).status_code == 200
