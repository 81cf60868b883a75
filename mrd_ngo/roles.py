"""The four roles of the ministry's staff, kept as Django groups (created by a migration)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role; the value is the name of the Django group that grants it."""

    ADMINISTRATOR = "Administrator", _("Administrator")
    DEPARTMENT_HEAD = "Department head", _("Department head")
    DATA_ENTRY_OFFICER = "Data-entry officer", _("Data-entry officer")
    PROVINCIAL_OFFICER = "Provincial officer", _("Provincial officer")


# A user in several groups gets the first that applies, most trusted first.
PRECEDENCE = [Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.DATA_ENTRY_OFFICER, Role.PROVINCIAL_OFFICER]
# Roles that see every row of the registry; a provincial officer sees one province; others nothing.
NATIONAL_ROLES = frozenset({Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.DATA_ENTRY_OFFICER})


def user_role(user) -> Role | None:
    """The role that decides what `user` may see and do; None (no access) for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_mrd_role"):
        if user.is_superuser:
            user._mrd_role = Role.ADMINISTRATOR
        else:
            names = set(user.groups.values_list("name", flat=True))
            user._mrd_role = next((role for role in PRECEDENCE if role.value in names), None)
    return user._mrd_role


def user_province_id(user) -> int | None:
    """The province a provincial officer works for (None when not set: they then see nothing)."""
    profile = getattr(user, "staff_profile", None)
    return profile.province_id if profile else None


def user_department_id(user) -> int | None:
    """The department a user belongs to (None when not set: a department head then reviews nothing)."""
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile else None
