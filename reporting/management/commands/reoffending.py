from django.core.management.base import BaseCommand, CommandError

from ppo.commands import add_output_argument, date_argument, scheme_argument, write_json
from reporting.reoffending import reoffending


class Command(BaseCommand):
    help = "The re-offending measure for people who joined the PPO list in a window (formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--entered-from", required=True)
        parser.add_argument("--entered-to", required=True)
        add_output_argument(parser)

    def handle(self, *args, scheme, entered_from, entered_to, output, **options):
        scheme = scheme_argument(scheme)
        start = date_argument(entered_from, "--entered-from")
        end = date_argument(entered_to, "--entered-to")
        if end < start:
            raise CommandError("--entered-to cannot be before --entered-from.")
        write_json(self, reoffending(scheme=scheme, entered_from=start, entered_to=end), output)
