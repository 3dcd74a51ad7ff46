from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "apps.guardianship"
    verbose_name = _("Guardianship")

    def ready(self) -> None:
        # Accounts sits below guardianship: it declares the hook, guardianship registers.
        from apps.accounts.services import grant_checks, role_ended_hooks
        from apps.guardianship.services import guardian_independence_on_grant, guardian_role_ended

        if guardian_role_ended not in role_ended_hooks:
            role_ended_hooks.append(guardian_role_ended)
        if guardian_independence_on_grant not in grant_checks:
            grant_checks.append(guardian_independence_on_grant)

        # The authority's staff read the requests asked of it, answered ones too.
        from apps.cases.reading import reach_beyond_the_case
        from apps.guardianship.models import GuardianRequest
        from apps.guardianship.requests import requests_asked_of

        reach_beyond_the_case(GuardianRequest, requests_asked_of)
