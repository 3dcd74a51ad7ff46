"""The whole fictional demo world, in order: people, cases, guardians, care, age."""

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
    from apps.care.demo import seed_care
    from apps.cases.demo import seed_cases
    from apps.guardianship.demo import seed_guardianship

    world = DemoWorld(logins=seed_accounts())
    world.summaries.append(seed_cases().describe())
    world.summaries.append(seed_guardianship().describe())
    world.summaries.append(seed_care().describe())
    world.summaries.append(seed_age().describe())  # after guardianship: it reuses an active guardian
    return world
