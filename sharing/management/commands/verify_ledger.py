from django.core.management.base import BaseCommand, CommandError

from sharing.ledger import ledger_verify
from sharing.models import ConsentEntry, LedgerRedaction


class Command(BaseCommand):
    help = (
        "Check the consent ledger: its hash chain, evidence files and checkpoints. Exits "
        "non-zero and lists any break. Prints the head hash, to keep outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            default="",
            help="A head hash recorded earlier (printed by this command, or logged by the "
            "nightly checkpoint) that must still be in the ledger.",
        )

    def handle(self, *args, head, **options):
        checked, breaks = ledger_verify(head=head.strip())
        if breaks:
            for found in breaks:
                self.stderr.write(str(found))
            raise CommandError(
                f"The consent ledger is broken: {len(breaks)} problem(s) in {checked} entries."
            )
        newest = ConsentEntry.objects.order_by("-id").first()
        redacted = LedgerRedaction.objects.count()
        self.stdout.write(
            f"The consent ledger is intact: {checked} entries checked"
            + (f", {redacted} of them redacted when a record was erased." if redacted else ".")
        )
        if newest:
            self.stdout.write(f"Head: entry {newest.pk}, hash {newest.hash}")
