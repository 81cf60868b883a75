"""Template context of every page: the number on the notification bell."""
from desk.models import Notification


def notifications(request):
    """Unread notifications of the logged-in user: one small indexed query per page, counted once per
    request (django-tables2 renders each table with the context processors again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = Notification.objects.filter(recipient=user).unread().count()
    return {"unread_notifications": request._unread_notifications}
