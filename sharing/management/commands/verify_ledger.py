from django.core.management.base import BaseCommand, CommandError

from sharing.ledger import ledger_verify


class Command(BaseCommand):
    help = "Check the consent ledger's hash chain; exits non-zero and lists any break."

    def handle(self, *args, **options):
        checked, breaks = ledger_verify()
        if breaks:
            for found in breaks:
                self.stderr.write(str(found))
            raise CommandError(
                f"The consent ledger is broken: {len(breaks)} problem(s) in {checked} entries."
            )
        self.stdout.write(f"The consent ledger is intact: {checked} entries checked.")
