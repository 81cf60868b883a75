"""The one place that decides which rows a user may see. Deny by default.

Every list, detail page, export, download and PDF starts from `Model.objects.visible_to(user)`.
"""
from django.db import models
from django.db.models import Q

from mrd_ngo.roles import NATIONAL_ROLES, Role, user_province_id, user_role


class RestrictedQuerySet(models.QuerySet):
    """A QuerySet that knows which of its rows touch a province, and so who may see them."""

    def in_province(self, province_id: int) -> Q:
        """The condition for rows that touch `province_id`; each model says what that means."""
        raise NotImplementedError

    def visible_to(self, user) -> "RestrictedQuerySet":
        """Rows `user` may see: all for national roles, one province's for a provincial officer, none otherwise."""
        role = user_role(user)
        if role in NATIONAL_ROLES:
            return self
        if role == Role.PROVINCIAL_OFFICER:
            province_id = user_province_id(user)
            if province_id is not None:
                return self.filter(self.in_province(province_id))
        return self.none()
