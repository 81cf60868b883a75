"""The one place that decides which rows a user may see. Deny by default.

Every list, detail page, form, export, download, import and PDF starts from
`Model.objects.visible_to(user)`, and so does every step from a visible row to a related one:
an NGO's agreements are `Agreement.objects.visible_to(user).filter(ngo=...)`, never `ngo.agreements`.

The rule for a provincial officer (national roles see every row; a user without a role, none):
- an **agreement** is visible when it covers their province;
- an **NGO** is visible when one of its agreements covers their province (even an expired one); what is
  shown or used of its agreements (its agreement in force, the agreement a report is filed under, the
  template, the import, filters) is only among the visible agreements;
- a **report** is visible exactly when its agreement is visible (a result in their province does not
  make a report of another province's agreement visible), so a visible report's agreement is always
  visible too and `report.agreement` may be shown as it is;
- an **indicator result** is visible when it is in their province and its report is visible: within a
  report of an agreement covering several provinces they see and change only their province's results;
- a **village** is visible when it is in their province;
- a **lesson learned** is visible exactly when its source report is; **meetings** and their
  **recommendations** are the ministry's and visible to every reader (the NGOs that attended are shown
  through the NGO rule).
Each model says what "touches a province" means in `in_province`; the helpers on the querysets
(`Agreement.objects.in_force_for`, `NGO.objects.with_agreement_among`, ...) take the visible rows as
their input, so the rule is written here and only called elsewhere.

Reviewing (returning or accepting a report) is narrower than reading: `Model.objects.reviewable_by(user)`.
- an **administrator** reviews every report;
- a **department head** reviews the reports of agreements their department follows (the agreement's
  `department` is the one of their staff profile), and reads every other one without acting on it;
- anyone else, and a head without a department, reviews nothing. A report whose agreement names no
  department is reviewed by administrators only.
Each model says what "followed by a department" means in `in_department`. The same rule decides who notes
progress on a meeting recommendation (`MeetingRecommendation.objects.followed_up_by`): administrators, and
the head of the department that owns it.
"""
from django.db import models
from django.db.models import Q

from mrd_ngo.roles import NATIONAL_ROLES, Role, user_department_id, user_province_id, user_role


class RestrictedQuerySet(models.QuerySet):
    """A QuerySet that knows which of its rows touch a province, and so who may see them."""

    def in_province(self, province_id: int) -> Q:
        """The condition for rows a provincial officer of `province_id` may see; each model says what that means."""
        raise NotImplementedError

    def visible_to(self, user) -> "RestrictedQuerySet":
        """Rows `user` may see: all for national roles, one province's for a provincial officer, none otherwise."""
        try:
            province_id = scope_of(user)
        except NoAccess:
            return self.none()
        return self.in_scope(province_id)

    def in_scope(self, province_id: int | None) -> "RestrictedQuerySet":
        """Rows of a scope (`scope_of`): all for None, one province's otherwise. For the worker, which
        builds a document for a scope rather than for a user."""
        return self if province_id is None else self.filter(self.in_province(province_id))

    def in_department(self, department_id: int) -> Q:
        """The condition for rows a head of department `department_id` may review; each reviewed model says what that means."""
        raise NotImplementedError

    def reviewable_by(self, user) -> "RestrictedQuerySet":
        """Rows `user` may review: all for administrators, their department's for a department head, none otherwise."""
        try:
            department_id = review_scope_of(user)
        except NoAccess:
            return self.none()
        visible = self.visible_to(user)
        return visible if department_id is None else visible.filter(self.in_department(department_id))


class NoAccess(Exception):
    """The user has no role that sees any row (no role, or a provincial officer without a province)."""


def scope_of(user) -> int | None:
    """Whose rows `user` sees: None for every province (national roles), the province's id for a
    provincial officer; NoAccess for anyone else. Editions of documents are kept per scope."""
    role = user_role(user)
    if role in NATIONAL_ROLES:
        return None
    if role == Role.PROVINCIAL_OFFICER and (province_id := user_province_id(user)) is not None:
        return province_id
    raise NoAccess


def review_scope_of(user) -> int | None:
    """Whose reports `user` may review: None for all (administrators), their department's id for a
    department head; NoAccess for anyone else (a head without a department included)."""
    role = user_role(user)
    if role == Role.ADMINISTRATOR:
        return None
    if role == Role.DEPARTMENT_HEAD and (department_id := user_department_id(user)) is not None:
        return department_id
    raise NoAccess


def may_review(user, department_id: int | None) -> bool:
    """May `user` review a report of an agreement followed by `department_id` (None: no department)?
    The rule of `reviewable_by` for one row already loaded (to show or hide its buttons)."""
    try:
        scope = review_scope_of(user)
    except NoAccess:
        return False
    return scope is None or (department_id is not None and scope == department_id)
