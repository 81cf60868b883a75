"""URLs of the daily-work app: home page, notifications, management pages."""
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from desk import views
from reports import urls as _reports_urls  # noqa: F401 (registers the `period` path converter)

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("password/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="desk/password_set.html", success_url=reverse_lazy("login"), reset_url_token="choose",
    ), name="password_set"),
    # Notifications: the bell's list, opening one (marks it read), e-mail choices.
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/email/", views.email_choices, name="email_choices"),
    path("reports/<period:period>/remind/", views.remind_missing, name="remind_missing"),
    # Calendar feed: the page to get or revoke the private address, and the address itself.
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:key>.ics", views.calendar_feed, name="calendar_feed"),
    # Management (administrators): semesters, users, model villages, coverage rates.
    path("manage/semesters/", views.SemesterListView.as_view(), name="semesters"),
    path("manage/semesters/new/", views.semester_create, name="semester_create"),
    path("manage/semesters/<period:period>/", views.semester_edit, name="semester_edit"),
    path("manage/semesters/<period:period>/lock/", views.semester_lock, name="semester_lock"),
    path("manage/users/", views.UserListView.as_view(), name="users"),
    path("manage/users/new/", views.user_create, name="user_create"),
    path("manage/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("manage/villages/", views.VillageListView.as_view(), name="villages"),
    path("manage/villages/<int:pk>/", views.village_edit, name="village_edit"),
    path("manage/coverage/", views.CoverageRateListView.as_view(), name="coverage_rates"),
    path("manage/coverage/new/", views.coverage_create, name="coverage_create"),
    path("manage/coverage/<int:pk>/", views.coverage_edit, name="coverage_edit"),
]
