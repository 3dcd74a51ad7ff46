"""The support app's paths that treat a person as an adult, run by tests/age/test_adult_paths.py."""

from apps.support.models import EndReason
from apps.support.services import service_end
from tests.support.factories import requested


def end_for_adult_services(case, caseworker, supervisor):
    service_end(actor=caseworker, service=requested(case, caseworker), reason=EndReason.ADULT_SERVICES)


PROBES = {"support.SupportService.end_reason=adult_services": end_for_adult_services}
