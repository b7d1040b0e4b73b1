import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ppo.imports import ImportRejected, csv_import
from ppo.models import ImportKind


class Command(BaseCommand):
    help = "Import offenders.csv, events.csv or programmes.csv (formats.md), whole or not at all."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind, file, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            report = csv_import(
                kind=ImportKind(kind),
                file_name=file.name,
                content=content,
                by=None,
                via=f"command ({getpass.getuser()})",
            )
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file.name} was not imported: {len(rejected.problems)} problem(s) above. "
                "Nothing was written."
            ) from rejected
        self.stdout.write(report.summary)
