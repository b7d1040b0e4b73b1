from django.core.management.base import BaseCommand

from ppo.commands import add_output_argument, scheme_argument, write_json
from selection.commands import matrix_argument


class Command(BaseCommand):
    help = "Print a version of the scheme's matrix (default: the one in force) as matrix.json."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--matrix-version", type=int)
        add_output_argument(parser)

    def handle(self, *args, scheme, matrix_version, output, **options):
        matrix = matrix_argument(scheme_argument(scheme), matrix_version)
        write_json(self, matrix.as_document(), output)
