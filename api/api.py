"""The API object: version 1 under /api/v1/, its OpenAPI schema (/api/v1/openapi.json) and docs page (/api/v1/docs)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled

from api.auth import BrowserSession, PerUserThrottle, TokenAuth
from api.endpoints import messages_of, router

api = NinjaAPI(
    title="MRD NGO cooperation tracker API",
    version="1.0.0",
    description=(
        "The registry of NGOs and cooperation agreements, semester progress reports and the semester summary "
        "of Cambodia's Ministry of Rural Development, under the same access rule as the pages. "
        "Send a personal token (made on your token page) as `Authorization: Bearer mrd_...`. "
        "A guide with a curl session and the IATI mapping: /api/."
    ),
    urls_namespace="api-1",
    auth=[TokenAuth(), BrowserSession()],
    throttle=[PerUserThrottle()],
    docs_url="/docs",
    # The schema and its page need a signed-in person (deny by default); the data needs a token or the session.
    docs_decorator=login_required,
)
api.add_router("/", router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(
        request, {"detail": _("A valid API token is needed: Authorization: Bearer <token> (it may have expired or been revoked).")},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def throttled(request, exc):
    response = api.create_response(request, {"detail": _("Too many requests: wait a little, then try again.")}, status=429)
    if exc.wait:
        response["Retry-After"] = str(max(1, int(exc.wait)))
    return response


@api.exception_handler(PermissionDenied)
def denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("You may not do this.")}, status=403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": messages_of(exc)}, status=422)
