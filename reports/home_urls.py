"""The home page's address (`/`, named `home`), included by the site's URLs without an app namespace."""
from django.urls import path

from reports import dashboard

urlpatterns = [
    path("", dashboard.home, name="home"),
]
