from django.core.management.base import BaseCommand

from ppo.commands import add_output_argument, date_argument, scheme_argument, write_json
from selection.flags import review_flags


class Command(BaseCommand):
    help = "Print the review flags open for the scheme's people as at a date (formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--as-at", required=True)
        add_output_argument(parser)

    def handle(self, *args, scheme, as_at, output, **options):
        scheme = scheme_argument(scheme)
        flags = review_flags(scheme=scheme, on=date_argument(as_at, "--as-at"))
        write_json(self, [flag.as_json() for flag in flags], output)
