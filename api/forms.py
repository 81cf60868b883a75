"""Forms of the api app: a new personal token, an IATI file upload."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from agreements.models import Agreement
from api.services import LIFETIMES
from mrd_ngo.forms import BootstrapFormMixin


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"), max_length=80,
        help_text=gettext_lazy("The system or script that will use it, e.g. “CDC NGO database”."),
        error_messages={"required": gettext_lazy("Say what the token is for (the system or script that will use it).")},
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"), coerce=int, initial=90,
        choices=[(days, ngettext_lazy("%(count)d day", "%(count)d days", days) % {"count": days}) for days in LIFETIMES],
    )


class RenewableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agreement):
        return f"{agreement.reference_number} – {agreement.ngo.name}"


class IatiUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The NGO's IATI activity file (XML)"),
        error_messages={"required": gettext_lazy("Choose the IATI file to read.")},
    )
    renews = RenewableChoiceField(
        label=gettext_lazy("It renews the agreement (leave empty for a new agreement)"),
        queryset=Agreement.objects.none(), required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Agreements this user may see and renew (signed, not terminated, no renewal started).
        self.fields["renews"].queryset = (
            Agreement.objects.visible_to(user).filter(signed_on__isnull=False, terminated_on__isnull=True,
                                                       successor__isnull=True)
            .select_related("ngo").order_by("reference_number")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IATI_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; an IATI file for one NGO is far smaller (at most %(limit)s MB).")
                % {"size": round(upload.size / 1_048_576, 1), "limit": round(settings.IATI_UPLOAD_MAX_BYTES / 1_048_576, 1)}
            )
        return upload
