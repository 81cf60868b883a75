"""Views of the NGO and agreement registry."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from agreements.models import NGO, Agreement


class NGOListView(LoginRequiredMixin, ListView):
    template_name = "agreements/ngo_list.html"

    def get_queryset(self):
        return NGO.objects.visible_to(self.request.user)


class AgreementListView(LoginRequiredMixin, ListView):
    template_name = "agreements/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).with_status().select_related("ngo")
