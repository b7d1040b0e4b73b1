"""What the JSON-producing commands (score_pool, review_flags, and later the returns) share:
the scheme and date arguments, their errors, and where the JSON goes (formats.md
"Commands": JSON to standard output or --output FILE, errors to standard error with a
non-zero exit status)."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from ppo.models import Scheme


def scheme_argument(slug: str) -> Scheme:
    scheme = Scheme.objects.filter(slug=slug).first()
    if scheme is None:
        raise CommandError(f"Unknown scheme {slug!r}: create_scheme makes one.")
    return scheme


def date_argument(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: {value!r} is not a date (use YYYY-MM-DD).") from None


def add_output_argument(parser) -> None:
    parser.add_argument("--format", choices=["json"], default="json")
    parser.add_argument("--output", type=Path, help="Write to this file, not standard output.")


def write_json(command, document, output: Path | None) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        command.stdout.write(text, ending="")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot write {output}: {error.strerror}") from error
