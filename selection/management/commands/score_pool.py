from django.core.management.base import BaseCommand

from ppo.commands import add_output_argument, date_argument, scheme_argument, write_json
from selection.commands import matrix_argument
from selection.services import scoring_run_create


class Command(BaseCommand):
    help = (
        "Score the scheme's pool as at a date with a matrix version (default: the one in "
        "force) and print the ranking (formats.md). The run is kept, as from the page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--as-at", required=True)
        parser.add_argument("--matrix-version", type=int)
        add_output_argument(parser)

    def handle(self, *args, scheme, as_at, matrix_version, output, **options):
        scheme = scheme_argument(scheme)
        on = date_argument(as_at, "--as-at")
        matrix = matrix_argument(scheme, matrix_version)
        run = scoring_run_create(scheme=scheme, matrix=matrix, on=on, by=None)
        write_json(self, run.result, output)
