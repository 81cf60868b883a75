"""URLs of the api app: the JSON API, the API guide, personal tokens, IATI file upload."""
from django.urls import path

from api import views
from api.api import api

app_name = "api"

urlpatterns = [
    path("api/", views.guide, name="guide"),
    path("api/v1/", api.urls),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("agreements/iati/", views.iati_upload, name="iati_upload"),
    path("agreements/iati/confirm/", views.iati_confirm, name="iati_confirm"),
]
