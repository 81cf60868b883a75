"""The permission matrix: every role, and an anonymous visitor, against every page and action.

Access is denied by default. Reading is for the four roles (a provincial officer sees only what
touches their province: 404 for the rest); changing follows each role's permissions (403).
"""
import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from mrd_ngo.roles import Role
from reports.choices import ReportStatus
from tests.factories import (
    AgreementFactory, AgreementFlagFactory, IndicatorValueFactory, ProgressReportFactory, ReportingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "provincial", "officer", "head", "admin"]
READERS = {"provincial": 200, "officer": 200, "head": 200, "admin": 200}
DENIED = {"anonymous": 302, "no_role": 403}  # anonymous visitors are sent to the login page


def expect(**codes) -> dict:
    """Expected status per role: the readers' defaults, then the given overrides."""
    return {**DENIED, **READERS, **codes}


ADMIN_ONLY = expect(provincial=403, officer=403, head=403)
ENTRY = expect(head=403)  # officers (national or provincial) and administrators enter reports
NGO_EDIT = expect(provincial=403, head=403)
REVIEW = expect(provincial=403, officer=403)
POST_OK = 302  # an action that worked redirects


@pytest.fixture
def world(siem_reap, battambang, admin_user):
    """Rows in Siem Reap (the provincial officer's) and in Battambang (not theirs)."""
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    here = AgreementFactory(provinces=[siem_reap], ngo__name_en="Here NGO", valid_to=datetime.date(2030, 12, 31))
    there = AgreementFactory(provinces=[battambang], ngo__name_en="Elsewhere NGO", valid_to=datetime.date(2030, 12, 31))
    for agreement in (here, there):
        agreement.document.save("signed.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
        agreement.document_name = "signed.pdf"
        agreement.save()
    draft_here = ProgressReportFactory(agreement=here, period=period)
    IndicatorValueFactory(report=draft_here, province=siem_reap)
    draft_there = ProgressReportFactory(agreement=there, period=period)
    IndicatorValueFactory(report=draft_there, province=battambang)
    flag = AgreementFlagFactory(agreement=here, follow_up_by=admin_user, flagged_by=admin_user)
    return {"period": period, "here": here, "there": there, "report_here": draft_here, "report_there": draft_there,
            "flag": flag}


def submitted(report):
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = datetime.datetime(2024, 7, 20, tzinfo=datetime.UTC)
    report.save()
    return report


def login(client, role, request):
    if role == "anonymous":
        return None
    user = {
        "no_role": lambda: UserFactory(username="nobody"),
        "provincial": lambda: request.getfixturevalue("provincial_user"),
        "officer": lambda: request.getfixturevalue("officer_user"),
        "head": lambda: request.getfixturevalue("head_user"),
        "admin": lambda: request.getfixturevalue("admin_user"),
    }[role]()
    if role == "admin":
        user.is_staff = True
        user.save()
    client.force_login(user)
    return user


# (name, url built from the world, method, expected codes)
def cases(w):
    period = w["period"].code
    here, there = w["here"].pk, w["there"].pk
    rh, rt = w["report_here"].pk, w["report_there"].pk
    return [
        # NGOs and agreements: lists, exports, detail pages, downloads
        ("ngo_list", reverse("agreements:ngo_list"), "get", expect()),
        ("ngo_export", reverse("agreements:ngo_list") + "?_export=csv", "get", expect()),
        ("agreement_list", reverse("agreements:agreement_list"), "get", expect()),
        ("agreement_export", reverse("agreements:agreement_list") + "?_export=xlsx", "get", expect()),
        ("expiring_board", reverse("agreements:expiring_board"), "get", expect()),
        ("ngo_detail_here", reverse("agreements:ngo_detail", args=[w["here"].ngo_id]), "get", expect()),
        ("ngo_detail_there", reverse("agreements:ngo_detail", args=[w["there"].ngo_id]), "get", expect(provincial=404)),
        ("agreement_detail_here", reverse("agreements:agreement_detail", args=[here]), "get", expect()),
        ("agreement_detail_there", reverse("agreements:agreement_detail", args=[there]), "get", expect(provincial=404)),
        ("download_here", reverse("agreements:document_download", args=[here]), "get", expect()),
        ("download_there", reverse("agreements:document_download", args=[there]), "get", expect(provincial=404)),
        # NGOs: create and edit (data-entry officers and administrators)
        ("ngo_create", reverse("agreements:ngo_create"), "get", NGO_EDIT),
        ("ngo_update", reverse("agreements:ngo_update", args=[w["here"].ngo_id]), "get", NGO_EDIT),
        # Agreements: everything that changes them is for administrators
        ("agreement_create", reverse("agreements:agreement_create"), "get", ADMIN_ONLY),
        ("agreement_update", reverse("agreements:agreement_update", args=[here]), "get", ADMIN_ONLY),
        ("agreement_renew", reverse("agreements:agreement_renew", args=[here]), "get", ADMIN_ONLY),
        ("agreement_terminate", reverse("agreements:agreement_terminate", args=[here]), "get", ADMIN_ONLY),
        ("agreement_flag", reverse("agreements:agreement_flag", args=[here]), "get", ADMIN_ONLY),
        ("flag_clear", reverse("agreements:flag_clear", args=[here, w["flag"].pk]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        ("document_upload", reverse("agreements:document_upload", args=[here]), "get", ADMIN_ONLY),
        # Reports: lists, export, completeness, spreadsheet template
        ("report_list", reverse("reports:list"), "get", expect()),
        ("report_export", reverse("reports:list") + "?_export=csv", "get", expect()),
        ("completeness", reverse("reports:completeness", args=[period]), "get", expect()),
        ("template_here", reverse("reports:template", args=[period]) + f"?ngo={w['here'].ngo_id}", "get", expect()),
        ("template_there", reverse("reports:template", args=[period]) + f"?ngo={w['there'].ngo_id}", "get",
         expect(provincial=404)),
        ("report_detail_here", reverse("reports:detail", args=[rh]), "get", expect()),
        ("report_detail_there", reverse("reports:detail", args=[rt]), "get", expect(provincial=404)),
        # Reports: entry and submission (officers, provincial officers for their province, administrators)
        ("report_new", reverse("reports:new"), "get", ENTRY),
        ("report_import", reverse("reports:import"), "get", ENTRY),
        ("report_edit_here", reverse("reports:edit", args=[rh]), "get", ENTRY),
        ("report_edit_there", reverse("reports:edit", args=[rt]), "get", {**ENTRY, "provincial": 404}),
        ("report_submit_here", reverse("reports:submit", args=[rh]), "post",
         {**ENTRY, "provincial": POST_OK, "officer": POST_OK, "admin": POST_OK}),
        ("report_submit_there", reverse("reports:submit", args=[rt]), "post",
         {**ENTRY, "provincial": 404, "officer": POST_OK, "admin": POST_OK}),
        # Reports: review (department heads and administrators)
        ("report_return", reverse("reports:return", args=[rh]), "post", {**REVIEW, "head": POST_OK, "admin": POST_OK}),
        ("report_accept", reverse("reports:accept", args=[rh]), "post", {**REVIEW, "head": POST_OK, "admin": POST_OK}),
        ("period_lock", reverse("reports:lock", args=[period]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        ("period_unlock", reverse("reports:unlock", args=[period]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        # Semester summary
        ("summary", reverse("reports:summary", args=[period]), "get", expect()),
        ("summary_pdf", reverse("reports:summary_pdf", args=[period]) + "?lang=en", "get",
         expect(provincial=403, officer=403)),
        ("summary_xlsx", reverse("reports:summary_xlsx", args=[period]) + "?lang=en", "get", expect()),
        # Django admin: administrators only
        ("admin", "/admin/", "get", {"anonymous": 302, "no_role": 302, "provincial": 302, "officer": 302, "head": 302,
                                     "admin": 200}),  # 302: to the admin's own login page
    ]

def test_every_url_of_the_app_is_in_the_matrix(world):
    """A new page must join the matrix: access rules are tested for every URL."""
    covered = {get_resolver().resolve(url.split("?")[0]).view_name for _label, url, _method, _codes in cases(world)}
    resolver = get_resolver()
    names = {f"{app}:{name}" for app in ("agreements", "reports")
             for name in resolver.namespace_dict[app][1].reverse_dict if isinstance(name, str)}
    # Redirects and helpers of the pages above, tested in their own modules.
    helpers = {"reports:completeness_current", "reports:summary_latest", "reports:villages", "reports:import_confirm",
               "agreements:agreement_sign", "agreements:agreement_checklist"}
    assert sorted(names - helpers - covered) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_may_and_nothing_more(client, role, world, request, settings):
    login(client, role, request)
    submitted(world["report_here"])  # reviewable; entry actions then act on the other report states
    failures = []
    for name, url, method, codes in cases(world):
        if name in ("report_submit_here", "report_edit_here"):
            world["report_here"].refresh_from_db()
            world["report_here"].status = ReportStatus.DRAFT
            world["report_here"].save()
        elif name in ("report_return", "report_accept"):
            submitted(world["report_here"])
        data = {"comment": "Please add the female beneficiaries."} if method == "post" else None
        response = getattr(client, method)(url, data)
        expected = codes[role]
        if response.status_code != expected and not (expected == POST_OK and response.status_code in (200, 302)):
            failures.append(f"{name}: {response.status_code} (expected {expected})")
    assert failures == []


def test_a_provincial_officer_never_sees_another_provinces_rows(client, world, provincial_user):
    client.force_login(provincial_user)
    pages = [
        reverse("agreements:ngo_list"), reverse("agreements:ngo_list") + "?_export=csv",
        reverse("agreements:agreement_list"), reverse("agreements:agreement_list") + "?_export=csv",
        reverse("agreements:expiring_board"), reverse("reports:list"), reverse("reports:list") + "?_export=csv",
        reverse("reports:completeness", args=[world["period"].code]),
        reverse("reports:summary", args=[world["period"].code]),
        reverse("agreements:agreement_detail", args=[world["here"].pk]),
        reverse("reports:detail", args=[world["report_here"].pk]),
    ]
    for url in pages:
        body = client.get(url).getvalue().decode("utf-8", "replace")  # exports are streamed
        assert "Elsewhere NGO" not in body, url
        assert world["there"].reference_number not in body, url
    assert "Here NGO" in client.get(reverse("agreements:ngo_list")).content.decode()
