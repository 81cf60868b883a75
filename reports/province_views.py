"""The page of one province (issue 14): what the ministry's partners do there.

Every role reaches every province's page except a provincial officer, who reaches only their own
(another province answers 404, as a row they may not see does everywhere else).
"""
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from agreements.models import Province
from mrd_ngo.access import NoAccess, scope_of

VIEW_PERMISSION = "reports.view_progressreport"


def visible_province(user, code: str) -> Province:
    """The province of `code` if `user` may see its page; Http404 otherwise (deny by default)."""
    try:
        scope = scope_of(user)
    except NoAccess:
        raise Http404 from None
    province = get_object_or_404(Province, code=code)
    if scope is not None and scope != province.pk:
        raise Http404
    return province


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def province_page(request, code):
    province = visible_province(request.user, code)
    return render(request, "reports/province.html", {"province": province})
