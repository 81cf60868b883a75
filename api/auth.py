"""Who calls the API: a personal token (`Authorization: Bearer mrd_...`) or the browser's session."""
import datetime

from django.conf import settings
from django.utils import timezone, translation
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import UserRateThrottle

from api.models import ApiToken, token_digest

#: `last_used_at` is written at most this often per token (not one write per request).
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """A personal API token: the request then acts as the token's owner, with their role and province."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        found = (ApiToken.objects.usable().select_related("user", "user__staff_profile")
                 .filter(digest=token_digest(token)).first())
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        _messages_in_the_asked_language(request)
        return found


def _messages_in_the_asked_language(request) -> None:
    """A program says which language it wants its messages in with Accept-Language (km or en); Khmer otherwise.

    (The pages follow the language the person chose in the app: the cookie, as for the browser session.)
    """
    asked = request.headers.get("Accept-Language", "").split(",")[0].strip()[:2].lower()
    if asked in {code for code, _name in settings.LANGUAGES} and not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        translation.activate(asked)
        request.LANGUAGE_CODE = asked


class BrowserSession(SessionAuth):
    """The signed-in person in the browser (the docs page's "Try it out"); writes need the CSRF token."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None
        return user


class PerUserThrottle(UserRateThrottle):
    """Requests per user (token or session; `request.user` is set by the auth above), at settings.API_THROTTLE_RATE.

    The counts are kept in the default cache, one per web process: the limit is per process (a user
    spread over 3 gunicorn workers gets up to 3 times the rate), which still stops a runaway script.
    """

    def __init__(self):
        super().__init__(rate="1/s")  # replaced by the setting at each request (tests change it)

    def allow_request(self, request) -> bool:
        self.num_requests, self.duration = self.parse_rate(settings.API_THROTTLE_RATE)
        return super().allow_request(request)


def actor_of(request) -> dict:
    """What the audit trail records of an API request besides the user (the services record the user)."""
    token = getattr(request, "api_token", None)
    return {"source": "api", "api_token": token.pk if token else None}
