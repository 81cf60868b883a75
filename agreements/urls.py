"""URLs of the agreements app: NGOs and cooperation agreements."""
from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("ngos/", views.NGOListView.as_view(), name="ngo_list"),
    path("ngos/options/", views.ngo_options, name="ngo_options"),
    path("villages/options/", views.village_options, name="village_options"),
    path("ngos/new/", views.NGOCreateView.as_view(), name="ngo_create"),
    path("ngos/<int:pk>/", views.NGODetailView.as_view(), name="ngo_detail"),
    path("ngos/<int:pk>/edit/", views.NGOUpdateView.as_view(), name="ngo_update"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("agreements/expiring/", views.ExpiringBoardView.as_view(), name="expiring_board"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.AgreementUpdateView.as_view(), name="agreement_update"),
    path("agreements/<int:pk>/renew/", views.AgreementRenewView.as_view(), name="agreement_renew"),
    path("agreements/<int:pk>/sign/", views.AgreementSignView.as_view(), name="agreement_sign"),
    path("agreements/<int:pk>/terminate/", views.AgreementTerminateView.as_view(), name="agreement_terminate"),
    path("agreements/<int:pk>/flag/", views.AgreementFlagView.as_view(), name="agreement_flag"),
    path("agreements/<int:pk>/flags/<int:flag_pk>/clear/", views.FlagClearView.as_view(), name="flag_clear"),
    path("agreements/<int:pk>/checklist/", views.ChecklistUpdateView.as_view(), name="agreement_checklist"),
    path("agreements/<int:pk>/document/", views.document_download, name="document_download"),
    path("agreements/<int:pk>/document/upload/", views.DocumentUploadView.as_view(), name="document_upload"),
]
