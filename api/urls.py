"""URLs of the api app's pages: the API guide, personal tokens, IATI file upload (the JSON API itself: mrd_ngo/urls.py)."""
from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("api/", views.guide, name="guide"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("agreements/iati/", views.iati_upload, name="iati_upload"),
    path("agreements/iati/confirm/", views.iati_confirm, name="iati_confirm"),
]
