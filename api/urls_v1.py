"""URLs of the JSON API, version 1 (django-ninja): app "ninja", instance namespace "api-1" (ninja reverses its docs by it)."""
from api.api import api

urlpatterns, app_name, NAMESPACE = api.urls
