"""Personal API tokens: a user's key for the JSON API, acting as that user (same roles, same scope)."""
import datetime
import hashlib
import secrets

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "mrd_"
#: How many characters of the token are kept in clear to tell a user's tokens apart.
SHOWN_CHARS = 8


def token_digest(raw: str) -> str:
    """The stored form of a token: its SHA-256 (a token is 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: datetime.datetime | None = None):
        """Tokens that still open the API: not revoked, not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


# Creation and revocation are in the audit trail (who made a key, who revoked it); the digest is not.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["digest", "last_used_at"])
class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the token itself is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for, e.g. the system that uses it."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=20, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def new_secret(cls) -> str:
        """A fresh token: the prefix and 43 URL-safe characters (32 random bytes)."""
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
