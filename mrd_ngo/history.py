"""What the readable audit trails share: who acted in a pghistory event."""
from django.contrib.auth import get_user_model

from mrd_ngo.parsing import parse_id


def event_user_id(event) -> int | None:
    """The id of the user recorded in the event's context (None for changes made without a user)."""
    context = getattr(event, "pgh_context", None)
    user = (context.metadata or {}).get("user") if context is not None else None
    return parse_id(user)


def users_by_id(user_ids) -> dict:
    """The users of `user_ids` (Nones ignored), by id, in one query."""
    ids = {pk for pk in user_ids if pk is not None}
    return get_user_model().objects.in_bulk(ids) if ids else {}
