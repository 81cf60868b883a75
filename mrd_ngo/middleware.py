"""Middleware of the site: language selection (Khmer unless the user chose English), no caching for signed-in users,
idle sessions."""
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class KhmerFirstLocaleMiddleware:
    """Activate the language the user chose (cookie), else Khmer, whatever the browser asks for.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most ministry
    computers run an English browser; the ministry works in Khmer.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in user says `Cache-Control: no-store` (and private, no-cache).

    Pages, exports, PDFs and downloads then hold personal or unpublished data: neither the browser
    (its back button and disk cache on a shared ministry computer) nor a proxy may keep them.
    Static files (served by WhiteNoise before this runs) and pages for anonymous visitors, such
    as the login page, are left to their usual caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class IdleSessionMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE (30 minutes) after its last request, give or take a minute.

    Each request moves the session's expiry (and its cookie's) forward, but at most once every
    SESSION_RENEW_SECONDS (60): saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST)
    cost a database write and a commit per page. So a session left alone ends between 29 and 30 minutes
    after its last request. Listed after SessionMiddleware, which saves what this marks as modified.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[self.KEY] = now
        return response


@receiver(user_logged_in)
def _session_renewed_at_login(sender, request, user, **kwargs):
    """Signing in saves the session: count it as renewed, so the first page after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleSessionMiddleware.KEY] = int(time.time())
