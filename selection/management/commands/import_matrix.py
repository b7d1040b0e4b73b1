import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ppo.commands import scheme_argument
from selection.services import matrix_save


class Command(BaseCommand):
    help = "Save matrix.json (formats.md) as the scheme's next matrix version."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--note", default="", help="What changed and why.")
        parser.add_argument("file", type=Path)

    def handle(self, *args, scheme, note, file, **options):
        scheme = scheme_argument(scheme)
        try:
            document = json.loads(file.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file.name} is not valid JSON: {error}") from error
        try:
            matrix = matrix_save(scheme=scheme, document=document, by=None, note=note)
        except ValidationError as error:
            for problem in error.messages:
                self.stderr.write(problem)
            raise CommandError(
                f"{file.name} was not saved: {len(error.messages)} problem(s) above."
            ) from error
        self.stdout.write(f"Saved {matrix.name} as version {matrix.version} for {scheme.slug}.")
