from django.core.management.base import BaseCommand
from django.utils import timezone

from ppo.commands import date_argument, scheme_argument, write_json
from ppo.models import Scheme
from ppo.retention import records_due


class Command(BaseCommand):
    help = (
        "List the records due for review under the retention rules (every scheme, or one), "
        "by scheme reference: no names, since nothing here is access-checked or logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scheme", help="Only this scheme (its slug).")
        parser.add_argument("--as-at", help="The day to list them for (YYYY-MM-DD); today.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, scheme, as_at, format, **options):
        on = date_argument(as_at, "--as-at") if as_at else timezone.localdate()
        schemes = [scheme_argument(scheme)] if scheme else list(Scheme.objects.order_by("slug"))
        rows = [
            {
                "scheme": each.slug,
                "id": person.pk,
                "local_id": person.local_id,
                "left_programmes_on": _iso(person.left_programmes_on),
                "last_activity": _iso(person.last_activity),
                "retained_until": _iso(person.retained_until),
                "review_by": person.review_by.isoformat(),
            }
            for each in schemes
            for person in records_due(scheme=each, on=on)
        ]
        if format == "json":
            write_json(self, {"as_at": on.isoformat(), "due": rows}, None)
            return
        for row in rows:
            left = row["left_programmes_on"] or "never on a programme"
            self.stdout.write(
                f"{row['scheme']}\t{row['local_id']}\tleft programmes: {left}\t"
                f"last activity: {row['last_activity'] or 'none'}\treview by: {row['review_by']}"
            )
        self.stdout.write(f"{len(rows)} record(s) due for review on {on.isoformat()}.")


def _iso(day) -> str | None:
    return day.isoformat() if day else None
