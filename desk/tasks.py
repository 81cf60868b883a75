"""Background tasks of the daily-work app, run by `manage.py db_worker`: e-mails are sent there, never in a request."""
from django_tasks import task


@task()
def send_invitation_email(*, user_id: int) -> str:
    """E-mail a new staff account the link to choose their password."""
    from desk.notifications import invitation_email

    return invitation_email(user_id=user_id)
