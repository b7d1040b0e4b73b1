from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=60)
def background_check_scheduled() -> None:
    """Run by beat: ask a worker to complete a check, proving scheduler and worker both run."""
    from reporting.services import background_check_request

    background_check_request(by=None)


@shared_task(bind=True, acks_late=True, soft_time_limit=60)
def background_check_complete(self, check_id: int) -> None:
    from reporting.services import background_check_complete as complete

    complete(check_id=check_id, worker=self.request.hostname or "unknown")


@shared_task(acks_late=True)
def monthly_returns_scheduled() -> None:
    """Run by beat on the 1st: build every scheme's return for the month just ended, a job
    per scheme so they run in parallel."""
    from ppo.models import Scheme
    from reporting.returns import previous_month

    first, _ = previous_month()
    for scheme_id in Scheme.objects.values_list("pk", flat=True):
        monthly_return_build.delay(scheme_id, first.isoformat())


# acks_late with reject-on-worker-lost (settings): a worker killed mid-job leaves the message
# to be redelivered; the build is one transaction, so nothing partial was kept.
@shared_task(acks_late=True, soft_time_limit=300)
def monthly_return_build(scheme_id: int, first: str) -> None:
    from datetime import date

    from ppo.models import Scheme
    from reporting.returns import month_end
    from reporting.services import return_build

    start = date.fromisoformat(first)
    return_build(scheme=Scheme.objects.get(pk=scheme_id), first=start, last=month_end(start))


@shared_task(acks_late=True)
def review_flags_scheduled() -> None:
    """Run by beat each night: a job per scheme records its flags and notifies."""
    from ppo.models import Scheme

    for scheme_id in Scheme.objects.values_list("pk", flat=True):
        review_flags_record_scheme.delay(scheme_id)


@shared_task(acks_late=True, soft_time_limit=300)
def review_flags_record_scheme(scheme_id: int) -> None:
    from django.utils import timezone

    from ppo.models import Scheme
    from reporting.services import review_flags_record

    review_flags_record(scheme=Scheme.objects.get(pk=scheme_id), on=timezone.localdate())
