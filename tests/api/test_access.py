"""The role matrix, for the API: what a page allows or denies each role, the API allows or denies.

Each case pairs an API request with the page that shows or does the same thing; for every role the
two must agree (a page's 200/302-after-success is the API's 2xx, 403 is 403, 404 is 404, and the
anonymous visitor sent to the login page is the API's 401).
"""
import pytest
from django.urls import reverse

from tests.api.conftest import ROLES, draft, user_of

pytestmark = pytest.mark.django_db
API = "/api/v1"


def page_meaning(status: int, role: str) -> str:
    if role == "anonymous" and status == 302:
        return "no login"
    if status in (200, 201, 302):
        return "ok"
    return {403: "denied", 404: "hidden"}.get(status, str(status))


def api_meaning(status: int) -> str:
    if status == 401:
        return "no login"
    if status in (200, 201):
        return "ok"
    return {403: "denied", 404: "hidden"}.get(status, str(status))


def cases(w):
    """(name, API method, API path, JSON body, page method, page URL, page data)."""
    period = w["period"].code
    here, there = w["here"], w["there"]
    rh, rt = w["report_here"].pk, w["report_there"].pk
    return [
        ("ngo_list", "get", "/ngos", None, "get", reverse("agreements:ngo_list"), None),
        ("ngo_here", "get", f"/ngos/{here.ngo_id}", None, "get", reverse("agreements:ngo_detail", args=[here.ngo_id]), None),
        ("ngo_there", "get", f"/ngos/{there.ngo_id}", None, "get", reverse("agreements:ngo_detail", args=[there.ngo_id]), None),
        ("agreement_list", "get", "/agreements", None, "get", reverse("agreements:agreement_list"), None),
        ("agreement_here", "get", f"/agreements/{here.pk}", None, "get",
         reverse("agreements:agreement_detail", args=[here.pk]), None),
        ("agreement_there", "get", f"/agreements/{there.pk}", None, "get",
         reverse("agreements:agreement_detail", args=[there.pk]), None),
        ("iati_export", "get", "/iati/activities.xml", None, "get", reverse("agreements:agreement_list"), None),
        ("report_list", "get", "/reports", None, "get", reverse("reports:list"), None),
        ("report_here", "get", f"/reports/{rh}", None, "get", reverse("reports:detail", args=[rh]), None),
        ("report_there", "get", f"/reports/{rt}", None, "get", reverse("reports:detail", args=[rt]), None),
        ("semesters", "get", "/semesters", None, "get", reverse("reports:completeness", args=[period]), None),
        ("summary", "get", f"/semesters/{period}/summary", None, "get", reverse("reports:summary", args=[period]), None),
        ("villages", "get", "/villages", None, "get", reverse("reports:list"), None),
        ("provinces", "get", "/provinces", None, "get", reverse("agreements:agreement_list"), None),
        ("report_create", "post", "/reports", {"ngo_id": w["fresh_here"].ngo_id, "period": period}, "get",
         reverse("reports:new"), None),
        ("report_edit_here", "patch", f"/reports/{rh}", {"version": 1, "achievements": "More wells"}, "get",
         reverse("reports:edit", args=[rh]), None),
        ("report_edit_there", "patch", f"/reports/{rt}", {"version": 1, "achievements": "More wells"}, "get",
         reverse("reports:edit", args=[rt]), None),
        ("report_submit_here", "post", f"/reports/{rh}/submit", {}, "post", reverse("reports:submit", args=[rh]), {}),
        ("report_submit_there", "post", f"/reports/{rt}/submit", {}, "post", reverse("reports:submit", args=[rt]), {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_api_allows_and_denies_each_role_what_the_pages_do(client, api_client, role, world, request):
    user = user_of(role, request)
    if user is not None:
        client.force_login(user)
    api = api_client(user)
    mismatches = []
    for name, method, path, body, page_method, page_url, page_data in cases(world):
        for report in ("report_here", "report_there"):
            draft(world[report])
        page = getattr(client, page_method)(page_url, page_data)
        for report in ("report_here", "report_there"):
            draft(world[report])
        answer = api.json(method, API + path, body)
        if page_meaning(page.status_code, role) != api_meaning(answer.status_code):
            mismatches.append(f"{name}: page {page.status_code}, API {answer.status_code} {answer.content[:200]!r}")
    assert mismatches == []


def test_a_user_without_a_role_is_refused_with_403_everywhere(api_client, world, no_role_user):
    api = api_client(no_role_user)
    for path in ("/ngos", "/agreements", "/reports", "/semesters", "/villages", "/provinces", "/indicators",
                 f"/semesters/{world['period'].code}/summary", "/iati/activities.xml"):
        assert api.get(API + path).status_code == 403, path

