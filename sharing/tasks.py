from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=300)
def subject_access_export_build(export_id: int) -> None:
    from sharing.subject_access import subject_access_build

    subject_access_build(export_id=export_id)


@shared_task(acks_late=True)
def ledger_checkpoint_scheduled() -> None:
    from sharing.ledger import ledger_checkpoint

    ledger_checkpoint()
