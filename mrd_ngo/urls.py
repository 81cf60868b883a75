"""URLs of the whole site."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.i18n import set_language

from mrd_ngo import health
from mrd_ngo.roles import Role, user_role

handler403 = "mrd_ngo.security.permission_denied"


def admin_site_permission(request) -> bool:
    """The Django admin is for administrators only, even if someone else was marked staff."""
    return request.user.is_active and request.user.is_staff and user_role(request.user) == Role.ADMINISTRATOR


admin.site.has_permission = admin_site_permission

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Where the data comes from (the gazetteer's attribution): open to all, it holds no data of the app.
    path("about/", TemplateView.as_view(template_name="about.html"), name="about"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("agreements.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("api/v1/", include("api.urls_v1", namespace="api-1")),  # the JSON API (django-ninja)
    # The home page of each role and the management pages (they replace the old dashboard).
    path("", include("desk.urls")),
]
