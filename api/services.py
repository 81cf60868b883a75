"""Actions on personal API tokens: create (the token is returned once) and revoke."""
import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import SHOWN_CHARS, ApiToken, token_digest

#: The lifetimes a person may choose, in days (the form offers these).
LIFETIMES = (30, 90, 180, 365)
#: At most this many usable tokens per person: a token per system that reads the data, not one per script run.
MAX_USABLE_TOKENS = 10


@transaction.atomic
def api_token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token of `user` valid `days` days; returns the row and the token (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Say what the token is for (the system or script that will use it).")})
    if days not in LIFETIMES:
        raise ValidationError({"days": _("Choose one of the lifetimes offered.")})
    # Locks the user's row: two tabs creating tokens at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.usable().filter(user=user).count() >= MAX_USABLE_TOKENS:
        raise ValidationError(
            _("You already have %(count)d tokens in use: revoke one you no longer need first.") % {"count": MAX_USABLE_TOKENS}
        )
    raw = ApiToken.new_secret()
    now = timezone.now()
    token = ApiToken(user=user, name=name, digest=token_digest(raw), prefix=raw[:SHOWN_CHARS], created_at=now,
                     expires_at=now + datetime.timedelta(days=days))
    token.full_clean()
    with pghistory.context(user=user.pk, action="api_token.create"):
        token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (at once: the next request with it is refused)."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError(_("This token does not exist or is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        with pghistory.context(user=user.pk, action="api_token.revoke"):
            token.save(update_fields=["revoked_at"])
    return token
