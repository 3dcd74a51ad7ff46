"""The whole fictional demo world, in order: people, cases, guardians, care, age, then daily casework
and the durable solutions that take cases through the return and release gates."""

from dataclasses import dataclass, field

from django.db import transaction

from apps.accounts.demo import DemoLogin, seed_accounts


@dataclass
class DemoWorld:
    logins: list[DemoLogin]
    summaries: list[str] = field(default_factory=list)


@transaction.atomic
def seed_demo_world() -> DemoWorld:
    """Create what is missing of the demo world; a second run changes nothing."""
    from apps.age.demo import seed_age
    from apps.alerts.services import alerts_resolve
    from apps.bestinterests.demo import seed_bestinterests
    from apps.care.demo import seed_care
    from apps.cases.demo import seed_cases
    from apps.cases.transfer_demo import seed_transfer
    from apps.casework.demo import seed_casework
    from apps.complaints.demo import seed_complaints
    from apps.family.demo import seed_family
    from apps.grants.demo import seed_grants
    from apps.guardianship.demo import seed_guardian_request, seed_guardianship
    from apps.referrals.demo import seed_referrals
    from apps.rights.demo import seed_rights
    from apps.safety.demo import seed_safety
    from apps.solutions.demo import seed_solutions
    from apps.support.demo import seed_support
    from apps.voice.demo import seed_voice

    world = DemoWorld(logins=seed_accounts())
    world.summaries.append(seed_cases().describe())
    world.summaries.append(seed_guardianship().describe())
    world.summaries.append(seed_care().describe())
    world.summaries.append(seed_age().describe())  # after guardianship: it reuses an active guardian
    world.summaries.append(seed_voice().describe())
    world.summaries.append(seed_rights().describe())
    world.summaries.append(seed_support().describe())
    world.summaries.append(seed_family().describe())
    world.summaries.append(seed_complaints().describe())
    world.summaries.append(seed_casework().describe())
    world.summaries.append(seed_bestinterests().describe())  # after family and voice: it cites them
    world.summaries.append(seed_safety().describe())  # after care and age: it moves risk levels and versions
    world.summaries.append(seed_solutions().describe())  # last: it takes cases through the gates to their targets
    world.summaries.append(seed_referrals().describe())  # after the cases' services: referrals to the partners
    world.summaries.append(seed_guardian_request().describe())  # after guardianship: it uses the profiles
    world.summaries.append(seed_transfer().describe())
    world.summaries.append(seed_grants().describe())  # a break-glass reading, after the cases have their teams
    alerts_resolve()  # the alerts of the cases it closed, and of conditions that ended on the way
    return world
