"""Background tasks of the daily-work app, run by `manage.py db_worker`: e-mails are sent there, never in a request."""
from django_tasks import task

# Each task imports the module that does the work when it runs: those modules queue these tasks.


@task()
def send_invitation_email(*, user_id: int) -> str:
    """E-mail a new staff account the link to choose their password."""
    from desk.notifications import invitation_email

    return invitation_email(user_id=user_id)


@task()
def send_notification_email(*, notification_id: int) -> str:
    """E-mail one notification to its recipient (once)."""
    from desk.notifications import notification_email

    return notification_email(notification_id=notification_id)


@task()
def send_reminder_email(*, reminder_id: int) -> str:
    """E-mail one NGO the reminder that its report is missing (once)."""
    from desk.reminders import reminder_email

    return reminder_email(reminder_id=reminder_id)
