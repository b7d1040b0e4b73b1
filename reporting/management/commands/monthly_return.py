import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ppo.commands import scheme_argument
from ppo.documents import render_pdf
from reporting.returns import (
    ReturnRefused,
    month_bounds,
    monthly_return,
    return_csv,
    return_rows,
    return_xlsx,
)


class Command(BaseCommand):
    help = "The scheme's monthly return for a month that has ended (formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["json", "csv", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", type=Path, help="Write to this file, not standard output.")

    def handle(self, *args, scheme, month, format, output, **options):
        scheme = scheme_argument(scheme)
        try:
            first, last = month_bounds(month, today=timezone.localdate())
        except ReturnRefused as refused:
            raise CommandError(f"--month: {refused}") from None
        document = monthly_return(scheme=scheme, first=first, last=last)
        if format == "json":
            content = (json.dumps(document, indent=2) + "\n").encode()
        elif format == "csv":
            content = return_csv(document).encode()
        elif format == "xlsx":
            content = return_xlsx(document)
        else:
            content = render_pdf(
                "reporting/return_pdf.html",
                {"scheme": scheme, "first": first, "last": last, "rows": return_rows(document),
                 "produced_at": timezone.localtime(), "reader": None},
            )  # fmt: skip
        if output is None:
            if format in ("json", "csv"):
                self.stdout.write(content.decode(), ending="")
            else:
                sys.stdout.buffer.write(content)
            return
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
