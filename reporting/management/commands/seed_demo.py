import time

from django.core.management.base import BaseCommand, CommandError

from cases.demo import cases_demo_load
from ppo.demo import (
    DEMO_PASSWORD,
    NATIONAL_PEOPLE,
    NATIONAL_SCHEMES,
    SCHEMES,
    DemoDataRefused,
    demo_data_load,
    national_demo_load,
)
from ppo.models import Scheme
from selection.demo import selection_demo_load
from sharing.demo import consent_demo_load


class Command(BaseCommand):
    help = (
        "Load synthetic demo data (never in production). --scale scheme (the default): two "
        "schemes, a persona per role, 60 PPOs and 600 other people each with two years of "
        "history, consent decisions for most of them, a selection matrix, panels and "
        "referrals, and case plans for a dozen PPOs. --scale national adds 300 schemes and "
        "about 150,000 people for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["scheme", "national"], default="scheme")
        parser.add_argument(
            "--schemes", type=int, default=NATIONAL_SCHEMES, help="national scale: schemes"
        )
        parser.add_argument(
            "--people", type=int, default=NATIONAL_PEOPLE, help="national scale: people"
        )

    def handle(self, *args, scale, schemes, people, **options):
        started = time.monotonic()
        try:
            personas = demo_data_load()
            for slug, *_ in SCHEMES:
                scheme = Scheme.objects.get(slug=slug)
                consent_demo_load(scheme=scheme)
                selection_demo_load(scheme=scheme)
                cases_demo_load(scheme=scheme)
            if scale == "national":
                built = national_demo_load(schemes=schemes, people=people)
                self.stdout.write(f"National scale: built {built} new scheme(s).")
        except DemoDataRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo data ready in {time.monotonic() - started:.0f} s. "
            f"Every demo account's password is {DEMO_PASSWORD}"
        )
        for persona in personas:
            self.stdout.write(f"  {persona.email:38} {persona.role.label}")
