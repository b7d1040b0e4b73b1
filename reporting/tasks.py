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
