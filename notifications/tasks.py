from django_tasks import task


@task()
def deliver_email(email_id: int) -> str:
    """Send one e-mail from the outbox; the worker (`manage.py run_worker`) runs it."""
    from notifications.services import deliver

    return deliver(email_id)
