"""Security logging: failed logins and denied access, with who, when (the log time) and from where."""
import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.views.defaults import permission_denied as django_permission_denied

logger = logging.getLogger("mrd_ngo.security")


def client_address(request) -> str:
    """The address the request came from (REMOTE_ADDR; the proxy must be trusted to set it)."""
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    """Every failed login: the username tried (never the password) and the address."""
    logger.warning("login failed: username=%r address=%s", credentials.get("username"), client_address(request))


def permission_denied(request, exception):
    """403 handler: log the refusal, then show the bilingual page that says nothing more."""
    user = getattr(request, "user", None)
    logger.warning(
        "access denied: user=%r path=%s address=%s",
        user.get_username() if user is not None and user.is_authenticated else None,
        request.path,
        client_address(request),
    )
    return django_permission_denied(request, exception)
