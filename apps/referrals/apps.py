from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "apps.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # The receiving agency's staff read the referrals asked of it (the list, what it shares),
        # beyond the case's own visibility, which a service referral gives only once accepted.
        from apps.alerts.selectors import alerts_bound_to_reach
        from apps.cases.reading import reach_beyond_the_case
        from apps.referrals.models import IncomingReferral
        from apps.referrals.selectors import incoming_to, referral_alert_live

        reach_beyond_the_case(IncomingReferral, incoming_to)
        # A referral's alerts to the receiver name the case: gone once the referral has ended.
        alerts_bound_to_reach("referral:", referral_alert_live)
