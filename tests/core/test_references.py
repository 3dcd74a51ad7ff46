from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apps.core.references import next_case_reference

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_references_are_readable_and_never_repeat():
    first, second = next_case_reference(at=AT), next_case_reference(at=AT)
    assert first.startswith("HVN-2026-")
    assert len(first.split("-")[2]) == 6
    assert first != second
    assert int(second.split("-")[2]) > int(first.split("-")[2])


@override_settings(HAVEN_CASE_REFERENCE_PREFIX="ALV")
def test_the_installation_prefix_comes_from_settings():
    assert next_case_reference(at=AT).startswith("ALV-2026-")


@pytest.mark.parametrize("prefix", ["", "alv", "1AB", "TOOLONGPREFIX", "A-B"])
def test_a_malformed_prefix_is_refused_with_a_clear_message(prefix):
    with override_settings(HAVEN_CASE_REFERENCE_PREFIX=prefix), pytest.raises(ImproperlyConfigured, match="2 to 8"):
        next_case_reference(at=AT)
