"""The API's tokens, writes, errors and figures: what a system using it would notice."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, token_digest
from api.services import api_token_create, api_token_revoke
from reports.choices import ReportStatus
from reports.models import ProgressReport
from reports.services import ReportContent, report_update
from reports.summary_cache import summary_for
from tests.api.conftest import TokenClient, token_for

pytestmark = pytest.mark.django_db
API = "/api/v1"


# ---- Tokens -------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_sha256(officer_user):
    token, raw = api_token_create(user=officer_user, name="CDC", days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(raw) and raw not in (stored.digest, stored.prefix)
    assert raw.startswith("mrd_") and len(raw) > 40


def test_a_token_opens_the_api_and_records_when_it_was_used(officer_user, world):
    token, raw = api_token_create(user=officer_user, name="CDC", days=30)
    assert TokenClient(raw).get(f"{API}/agreements").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("spoil", ["expired", "revoked", "inactive", "wrong"])
def test_an_expired_revoked_or_wrong_token_or_a_disabled_account_gets_401(officer_user, spoil):
    token, raw = api_token_create(user=officer_user, name="CDC", days=30)
    if spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - datetime.timedelta(days=31),
                                                    expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif spoil == "revoked":
        api_token_revoke(user=officer_user, token_id=token.pk)
    elif spoil == "inactive":
        officer_user.is_active = False
        officer_user.save()
    else:
        raw = raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")
    response = TokenClient(raw).get(f"{API}/agreements")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_nobody_can_revoke_another_persons_token(officer_user, head_user):
    token, raw = api_token_create(user=officer_user, name="CDC", days=30)
    with pytest.raises(Exception):
        api_token_revoke(user=head_user, token_id=token.pk)
    assert TokenClient(raw).get(f"{API}/provinces").status_code == 200


def test_too_many_requests_are_refused_with_429_and_retry_after(officer_user, settings):
    settings.API_THROTTLE_RATE = "3/min"
    from django.core.cache import cache

    cache.clear()
    client = TokenClient(token_for(officer_user))
    codes = [client.get(f"{API}/provinces").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(client.get(f"{API}/provinces").headers["Retry-After"]) >= 1
    cache.clear()


# ---- Bad input: a clear refusal, never a server error -------------------------------------------


@pytest.mark.parametrize("path", [
    "/provinces?page=9223372036854775807", "/agreements?page_size=100000", "/ngos/99999999999999999999",
    "/reports/9223372036854775808", "/agreements?province=99999999999999999999", "/reports?ngo=abc",
    "/agreements?in_force_on=not-a-date",
])
def test_numbers_the_database_cannot_hold_and_malformed_filters_are_refused_with_422(officer_user, path):
    response = TokenClient(token_for(officer_user)).get(API + path)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_an_unknown_semester_is_404(officer_user):
    assert TokenClient(token_for(officer_user)).get(f"{API}/semesters/2024S9/summary").status_code == 404


# ---- Reading ------------------------------------------------------------------------------------


def test_lists_take_the_pages_filters(officer_user, world, siem_reap):
    client = TokenClient(token_for(officer_user))
    everything = client.get(f"{API}/agreements").json()
    in_siem_reap = client.get(f"{API}/agreements?province={siem_reap.pk}").json()
    assert everything["count"] == 4
    assert {a["reference_number"] for a in in_siem_reap["items"]} == {
        world["here"].reference_number, world["fresh_here"].reference_number}
    assert client.get(f"{API}/ngos?q=Elsewhere").json()["count"] == 1


def test_an_agreement_shows_its_renewal_chain(admin_user, siem_reap):
    from tests.factories import AgreementFactory, NGOFactory

    ngo = NGOFactory()
    first = AgreementFactory(ngo=ngo, provinces=[siem_reap], valid_from=datetime.date(2020, 1, 1),
                             valid_to=datetime.date(2022, 12, 31), signed_on=datetime.date(2019, 12, 1))
    second = AgreementFactory(ngo=ngo, provinces=[siem_reap], renews=first, valid_from=datetime.date(2023, 1, 1),
                              valid_to=datetime.date(2030, 12, 31))
    body = TokenClient(token_for(admin_user)).get(f"{API}/agreements/{first.pk}").json()
    assert [link["id"] for link in body["chain"]] == [first.pk, second.pk]
    assert body["successor_id"] == second.pk and body["status"] == "renewed"


def test_a_provincial_officer_sees_only_their_provinces_results_of_a_shared_report(provincial_user, world, battambang):
    from tests.factories import IndicatorValueFactory

    IndicatorValueFactory(report=world["report_here"], province=battambang, value=99)
    body = TokenClient(token_for(provincial_user)).get(f"{API}/reports/{world['report_here'].pk}").json()
    assert [value["province"] for value in body["values"]] == ["17"]


def test_the_summary_figures_are_the_summary_pages(head_user, world):
    ProgressReport.objects.filter(pk=world["report_here"].pk).update(status=ReportStatus.ACCEPTED,
                                                                    submitted_at=timezone.now())
    body = TokenClient(token_for(head_user)).get(f"{API}/semesters/{world['period'].code}/summary").json()
    page = summary_for(world["period"], user=head_user)
    assert body["headline"]["reports_accepted"] == page.headline.reports_accepted == 1
    assert body["headline"]["reports_expected"] == page.headline.reports_expected
    assert {i["indicator"]: float(i["total"]) for i in body["indicators"] if float(i["total"])} == {"wells": 10.0}


# ---- Writing ------------------------------------------------------------------------------------


def test_a_report_entered_through_the_api_is_in_the_audit_trail_under_the_tokens_owner(officer_user, world):
    token, raw = api_token_create(user=officer_user, name="Provincial tool", days=30)
    response = TokenClient(raw).json("post", f"{API}/reports", {
        "ngo_id": world["fresh_here"].ngo_id, "period": world["period"].code, "achievements": "Twelve wells",
        "values": [{"indicator": "wells", "province": "17", "value": "12"}],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["values"][0]["value"] == "12.00"
    from django.apps import apps

    event = apps.get_model("reports", "ProgressReportEvent").objects.select_related("pgh_context").get(pgh_obj_id=body["id"])
    assert event.pgh_context.metadata["user"] == officer_user.pk
    assert event.pgh_context.metadata["api_token"] == token.pk and event.pgh_context.metadata["source"] == "api"


def test_a_change_from_a_stale_version_is_refused_with_409_and_what_changed(officer_user, head_user, world):
    report = world["report_here"]
    report_update(user=officer_user, report=report, version=1,
                  content=ReportContent(fields={"achievements": "Their text"}, rows=[]), source="form")
    response = TokenClient(token_for(officer_user)).json("patch", f"{API}/reports/{report.pk}",
                                                         {"version": 1, "achievements": "My text"})
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2
    assert [(c["theirs"], c["yours"]) for c in body["fields"] if c["theirs"] == "Their text"] == [("Their text", "My text")]
    report.refresh_from_db()
    assert report.achievements == "Their text"


def test_a_change_then_a_submission_go_through_the_services(officer_user, world):
    client = TokenClient(token_for(officer_user))
    report = world["report_here"]
    changed = client.json("patch", f"{API}/reports/{report.pk}", {"version": 1, "budget_spent_usd": "16000"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["values"], "results left out of the change are kept"
    stale = client.json("post", f"{API}/reports/{report.pk}/submit", {"version": 1})
    assert stale.status_code == 409
    submitted = client.json("post", f"{API}/reports/{report.pk}/submit", {"version": 2})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = client.json("patch", f"{API}/reports/{report.pk}", {"version": 3, "achievements": "x"})
    assert again.status_code == 422 and again.json()["detail"]


def test_a_provincial_officer_cannot_enter_a_result_in_another_province(provincial_user, world):
    response = TokenClient(token_for(provincial_user)).json("patch", f"{API}/reports/{world['report_here'].pk}", {
        "version": 1, "values": [{"indicator": "wells", "province": "02", "value": "5"}]})
    assert response.status_code == 422
    assert ProgressReport.objects.get(pk=world["report_here"].pk).version == 1


def english_token_client(user) -> TokenClient:
    return TokenClient(token_for(user), HTTP_ACCEPT_LANGUAGE="en")


def test_a_new_report_with_a_result_outside_its_agreements_provinces_is_refused_and_nothing_is_written(officer_user, world):
    before = ProgressReport.objects.count()
    response = english_token_client(officer_user).json("post", f"{API}/reports", {
        "ngo_id": world["fresh_here"].ngo_id, "period": world["period"].code,
        "values": [{"indicator": "wells", "province": "17", "value": "1"},
                   {"indicator": "wells", "province": "02", "value": "5"}]})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        f"Result 2: Battambang is not one of the provinces of agreement {world['fresh_here'].reference_number}: "
        "a result can only be recorded in a province where the agreement says the NGO works.",
    ]
    assert ProgressReport.objects.count() == before


def test_a_change_with_a_result_outside_its_agreements_provinces_is_refused_and_nothing_is_written(officer_user, world):
    report = world["report_here"]
    response = english_token_client(officer_user).json("patch", f"{API}/reports/{report.pk}", {
        "version": 1, "values": [{"indicator": "wells", "province": "02", "value": "5"}]})
    assert response.status_code == 422
    assert "Battambang is not one of the provinces of agreement" in str(response.json()["detail"])
    report.refresh_from_db()
    assert report.version == 1 and list(report.values.values_list("province__code", flat=True)) == ["17"]


def test_an_unknown_indicator_is_refused_and_nothing_is_written(officer_user, world):
    before = ProgressReport.objects.count()
    response = TokenClient(token_for(officer_user)).json("post", f"{API}/reports", {
        "ngo_id": world["fresh_here"].ngo_id, "period": world["period"].code,
        "values": [{"indicator": "no-such-thing", "province": "17", "value": "1"}]})
    assert response.status_code == 422 and "no-such-thing" in str(response.json()["detail"])
    assert ProgressReport.objects.count() == before


def test_reports_filter_by_semester_code_as_well_as_id(officer_user, world):
    client = TokenClient(token_for(officer_user))
    by_code = client.get(f"{API}/reports?period={world['period'].code}").json()
    by_id = client.get(f"{API}/reports?period={world['period'].pk}").json()
    assert by_code["count"] == by_id["count"] == 2
    assert client.get(f"{API}/reports?period=2030S1").status_code == 422


def test_a_program_gets_its_messages_in_khmer_unless_it_asks_for_english(officer_user):
    raw = token_for(officer_user)
    path = f"{API}/agreements?in_force_on=nonsense"
    khmer = TokenClient(raw).get(path).json()["detail"]
    english = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en-GB,en;q=0.9"}).get(path)
    assert any("\u1780" <= ch <= "\u17ff" for ch in khmer)
    assert "Enter a valid date" in english.json()["detail"]
