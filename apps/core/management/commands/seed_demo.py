"""Create (or complete) the fictional demo world and its cases. Refused under production settings."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.demo import DEMO_PASSWORD
from apps.core.demo import seed_demo_world


class Command(BaseCommand):
    help = "Create the fictional demo agencies, teams, users and cases (development only; idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HAVEN_DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is refused under these settings: it is for development machines only.")
        world = seed_demo_world()
        logins = world.logins
        self.stdout.write(self.style.SUCCESS(f"Demo world ready: {len(logins)} users."))
        for summary in world.summaries:
            self.stdout.write(self.style.SUCCESS(summary))
        if options["quiet_logins"]:
            return
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.email:<42} {login.role:<24} {login.agency}")
