"""What erasing a person's record (ppo/erasure.py, settings.ERASURE_STEPS) does to selection.

Removed: manual scores (the panel's evidence about the person). Kept, blanked: panel
decisions and flag responses (append-only audit: who decided what, when, stays; the
rationale or reason goes, and a decision's link to a risk assessment event, which is
removed), referrals (why and on what evidence they were referred), and stored scoring runs,
where the person's scheme reference becomes the erasure's reference.
"""

from ppo.erasure import Erasure
from ppo.models import ERASED_TEXT
from selection.models import Decision, FlagResponse, ManualScore, Referral, ScoringRun


def erase_person(*, erasure: Erasure) -> None:
    person = erasure.offender
    erasure.delete(ManualScore.objects.filter(offender=person))
    erasure.redact(
        Decision.objects.filter(offender=person), rationale=ERASED_TEXT, risk_assessment=None
    )
    erasure.redact(FlagResponse.objects.filter(offender=person), reason=ERASED_TEXT)
    erasure.redact(Referral.objects.filter(offender=person), reasons=ERASED_TEXT, evidence="")
    runs = ScoringRun.objects.filter(
        scheme=person.scheme_id, result__ranking__contains=[{"local_id": person.local_id}]
    )
    for run in runs:
        for row in run.result["ranking"]:
            if row["local_id"] == person.local_id:
                row["local_id"] = erasure.reference
        erasure.redact(ScoringRun.objects.filter(pk=run.pk), result=run.result)
