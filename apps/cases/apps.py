from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "apps.cases"
    verbose_name = _("Children and cases")

    def ready(self) -> None:
        # Referrals sit above cases: they declare the hook for an accepted transfer, cases registers.
        from apps.cases.transfers import case_transfer_accept
        from apps.referrals.models import ReferralKind
        from apps.referrals.services import on_accepted

        on_accepted(ReferralKind.TRANSFER, case_transfer_accept)
