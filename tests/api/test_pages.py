"""The api app's pages: the token page (made once, shown once, revoked), the API guide, who may open them."""
import pytest
from django.urls import reverse

from api.models import ApiToken, token_digest
from tests.api.conftest import TokenClient

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_and_then_only_its_beginning(client, provincial_user):
    client.force_login(provincial_user)
    response = client.post(reverse("api:tokens"), {"name": "Provincial dashboard", "days": "90"})
    assert response.status_code == 200
    raw = response.context["created"]["raw"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=provincial_user)
    assert token.digest == token_digest(raw) and (token.expires_at - token.created_at).days == 90
    again = client.get(reverse("api:tokens")).content.decode()
    assert raw not in again and token.prefix in again
    assert TokenClient(raw).get("/api/v1/agreements").status_code == 200


def test_a_token_needs_a_name_and_an_offered_lifetime(client, officer_user):
    client.force_login(officer_user)
    response = client.post(reverse("api:tokens"), {"name": " ", "days": "5000"})
    assert response.status_code == 400 and set(response.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_revoking_a_token_closes_the_api_to_it_at_once(client, officer_user):
    client.force_login(officer_user)
    raw = client.post(reverse("api:tokens"), {"name": "Script", "days": "30"}).context["created"]["raw"]
    token = ApiToken.objects.get(user=officer_user)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    assert TokenClient(raw).get("/api/v1/provinces").status_code == 401


def test_someone_elses_token_cannot_be_revoked_from_the_page(client, officer_user, head_user):
    client.force_login(officer_user)
    client.post(reverse("api:tokens"), {"name": "Script", "days": "30"})
    token = ApiToken.objects.get(user=officer_user)
    client.force_login(head_user)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["api:tokens", "api:guide"])
def test_the_pages_are_for_staff_with_a_role(client, no_role_user, head_user, name):
    assert client.get(reverse(name)).status_code == 302  # to the login page
    client.force_login(no_role_user)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(head_user)
    assert client.get(reverse(name)).status_code == 200


def test_the_schema_and_its_docs_page_need_a_signed_in_person(client, head_user):
    assert client.get("/api/v1/openapi.json").status_code == 302
    client.force_login(head_user)
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/api/v1/reports/{report_id}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_the_guide_explains_the_api_with_curl_and_the_iati_mapping(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("api:guide")).content.decode()
    assert "curl -H \"Authorization: Bearer $TOKEN\"" in body
    for element in ("iati-identifier", "reporting-org", "participating-org", "activity-status", "activity-date",
                    "recipient-country", "location", "sector", "budget"):
        assert f"<code>{element}" in body, element
