"""The age app's paths that treat a person as an adult, run by tests/age/test_adult_paths.py.

A probe takes a case, its caseworker and a supervisor, and performs the action through the
service that takes the choice. Every app with a choice declared in apps.age.registry puts its
probes in tests/<app>/adult_probes.py, as PROBES keyed by the declared choice.
"""

from apps.age.models import AdultTreatmentPurpose
from apps.age.services import adult_treatment_record


def _treat(purpose):
    def probe(case, caseworker, supervisor):
        adult_treatment_record(actor=caseworker, case=case, purpose=purpose, reason="Fictional: probe of R2.")

    return probe


PROBES = {f"age.AdultTreatment.purpose={purpose}": _treat(purpose) for purpose in AdultTreatmentPurpose.values}
