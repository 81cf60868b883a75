"""URLs of the agreements app: NGOs and cooperation agreements."""
from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("ngos/", views.NGOListView.as_view(), name="ngo_list"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
]
