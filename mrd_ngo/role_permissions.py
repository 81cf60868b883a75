"""What each role may do, as Django permission codenames (app_label.codename)."""
from mrd_ngo.roles import Role

_VIEW_ALL = [
    "agreements.view_province", "agreements.view_sector", "agreements.view_department", "agreements.view_indicator",
    "agreements.view_village", "agreements.view_ngo", "agreements.view_agreement",
    "agreements.view_coveragerate",
    "reports.view_reportingperiod", "reports.view_progressreport", "reports.view_indicatorvalue",
    "reports.view_meetingrecommendation", "reports.view_meeting", "reports.view_recommendationnote", "reports.view_lesson",
]
# Lessons learned are taken from reports by the ministry's staff (reports/lessons.py).
_KEEP_LESSONS = ["reports.add_lesson", "reports.change_lesson"]
# Meetings are recorded by department heads and administrators; progress on a recommendation is noted by
# the head of the department that owns it (MeetingRecommendation.objects.followed_up_by, reports/meetings.py).
_RECORD_MEETINGS = [
    "reports.add_meeting", "reports.change_meeting", "reports.add_meetingrecommendation",
    "reports.change_meetingrecommendation", "reports.add_recommendationnote",
]
_ENTER_REPORTS = [
    "reports.add_progressreport", "reports.change_progressreport", "reports.submit_progressreport",
    "reports.add_indicatorvalue", "reports.change_indicatorvalue", "reports.delete_indicatorvalue",
]

ROLE_PERMISSIONS = {
    Role.ADMINISTRATOR: "__all__",
    Role.DEPARTMENT_HEAD: _VIEW_ALL + ["reports.review_progressreport", "reports.print_summary"] + _RECORD_MEETINGS
    + _KEEP_LESSONS,
    Role.DATA_ENTRY_OFFICER: _VIEW_ALL + _ENTER_REPORTS + [
        "agreements.add_ngo", "agreements.change_ngo", "agreements.add_village", "agreements.change_village",
        "desk.add_ngoreminder",  # chasing the NGOs that have not reported
    ] + _KEEP_LESSONS,
    Role.PROVINCIAL_OFFICER: _VIEW_ALL + _ENTER_REPORTS,
}


def sync_role_groups(apps) -> None:
    """Create the four groups and give each exactly its permissions (idempotent)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; the groups need them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        if codenames == "__all__":
            # "axes": the login lock-outs, which administrators lift (SECURITY.md).
            perms = Permission.objects.filter(content_type__app_label__in=["agreements", "reports", "desk", "auth", "axes"])
        else:
            # Models added by later migrations have no permissions yet; a later sync adds them.
            wanted = [tuple(name.split(".")) for name in codenames]
            perms = [
                p for p in Permission.objects.select_related("content_type")
                if (p.content_type.app_label, p.codename) in wanted
            ]
        group.permissions.set(perms)
