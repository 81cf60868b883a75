"""Template context of every page: the number on the notification bell."""
from desk.models import Notification


def notifications(request):
    """Unread notifications of the logged-in user (one small indexed query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user).unread().count()}
