from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ppo.services import scheme_create


class Command(BaseCommand):
    help = "Create a PPO scheme. On an existing slug it changes nothing and says so."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("--capacity-min", type=int, required=True)
        parser.add_argument("--capacity-max", type=int, required=True)

    def handle(self, *args, slug, name, capacity_min, capacity_max, **options):
        try:
            scheme, created = scheme_create(
                slug=slug, name=name, capacity_min=capacity_min, capacity_max=capacity_max
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                for field, messages in error.message_dict.items()
            )
            raise CommandError(f"Scheme not created. {problems}") from error
        if created:
            self.stdout.write(f"Created scheme {scheme.slug} ({scheme.name}).")
        else:
            self.stdout.write(f"Scheme {scheme.slug} already exists; nothing was changed.")
