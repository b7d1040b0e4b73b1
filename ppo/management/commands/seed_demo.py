from django.core.management.base import BaseCommand, CommandError

from ppo.demo import DEMO_PASSWORD, DemoDataRefused, demo_data_load


class Command(BaseCommand):
    help = "Load two demo schemes with one synthetic persona per role (not in production)."

    def handle(self, *args, **options):
        try:
            personas = demo_data_load()
        except DemoDataRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo data ready. Every demo account's password is {DEMO_PASSWORD}")
        for persona in personas:
            self.stdout.write(f"  {persona.email:38} {persona.role.label}")
