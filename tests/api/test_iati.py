"""IATI activity files: the export validates against the IATI 2.03 schema and keeps to the user's scope;
an NGO's file proposes an agreement that staff confirm; bad or hostile files are refused, writing nothing."""
import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from agreements.models import Agreement, Department, Province, Sector
from api.iati.export import activities_xml, schema
from api.views import IATI_SESSION_KEY
from tests.api.conftest import TokenClient, token_for
from tests.factories import AgreementFactory, NGOFactory

pytestmark = pytest.mark.django_db
SAMPLE = (Path(__file__).parent / "iati" / "ngo-activity.xml").read_bytes()


@pytest.fixture
def registry(siem_reap, battambang):
    """Agreements in several states, Khmer names, two sectors sharing no DAC code, one sharing one."""
    water, sanitation, roads = (Sector.objects.get(code=c) for c in ("rural-water-supply", "rural-sanitation", "rural-roads"))
    community, economy = Sector.objects.get(code="community-development"), Sector.objects.get(code="rural-economy")
    ngo = NGOFactory(name_km="អង្គការទឹកស្អាត", name_en="Clean Water for All", kind="international")
    old = AgreementFactory(ngo=ngo, provinces=[siem_reap, battambang], sectors=[water, sanitation, roads],
                           valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2022, 12, 31),
                           signed_on=datetime.date(2019, 12, 1))
    AgreementFactory(ngo=ngo, renews=old, provinces=[siem_reap], sectors=[community, economy],
                     valid_from=datetime.date(2023, 1, 1), valid_to=datetime.date(2030, 12, 31))
    AgreementFactory(provinces=[battambang], signed_on=None, valid_from=datetime.date(2031, 1, 1),
                     valid_to=datetime.date(2032, 1, 1))
    return ngo


def test_the_export_is_valid_iati_2_03(registry):
    document = etree.fromstring(activities_xml(Agreement.objects.with_status().select_related("ngo")
                                               .prefetch_related("sectors", "provinces")))
    iati = schema()
    assert iati.validate(document), iati.error_log
    assert len(document.findall("iati-activity")) == 3


def test_each_activity_carries_the_agreement_in_khmer_and_english(registry, officer_user):
    body = TokenClient(token_for(officer_user)).get("/api/v1/iati/activities.xml")
    assert body.status_code == 200 and body["Content-Type"].startswith("application/xml")
    document = etree.fromstring(body.content)
    assert schema().validate(document)
    current = registry.agreements.get(renews__isnull=False)
    activity = next(a for a in document.findall("iati-activity")
                    if a.findtext("iati-identifier").endswith(current.reference_number))
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert {n.get(lang) for n in activity.find("title").findall("narrative")} == {"km", "en"}
    assert activity.find("participating-org").get("role") == "4"
    assert activity.find("participating-org").get("type") == "21"
    assert [n.text for n in activity.find("participating-org").findall("narrative")] == ["អង្គការទឹកស្អាត", "Clean Water for All"]
    assert activity.find("activity-status").get("code") == "2"
    assert activity.find("recipient-country").get("code") == "KH"
    assert [loc.get("ref") for loc in activity.findall("location")] == ["KH-17"]
    # community development and rural economy are both DAC 43040: one sector line at 100 %.
    assert [(s.get("code"), s.get("percentage")) for s in activity.findall("sector")] == [("43040", "100")]
    assert activity.find("budget/value").text == "100000.00"
    old = next(a for a in document.findall("iati-activity") if a is not activity
               and a.find("activity-status").get("code") == "4")
    shares = [float(s.get("percentage")) for s in old.findall("sector")]
    assert len(shares) == 3 and sum(shares) == 100
    assert {d.get("type") for d in old.findall("activity-date")} == {"1", "2", "3", "4"}


def test_a_provincial_officers_export_holds_only_their_provinces_agreements(registry, provincial_user):
    document = etree.fromstring(TokenClient(token_for(provincial_user)).get("/api/v1/iati/activities.xml").content)
    refs = {loc.get("ref") for loc in document.iter("location")}
    assert len(document.findall("iati-activity")) == 2 and "KH-17" in refs
    assert all(a.find("location[@ref='KH-17']") is not None for a in document.findall("iati-activity"))


# ---- IATI in ------------------------------------------------------------------------------------


def upload(client, content: bytes, name="activity.xml", **data):
    client.cookies["django_language"] = "en"  # the messages are matched in English
    return client.post(reverse("api:iati_upload"), {"file": SimpleUploadedFile(name, content), **data})


def test_an_ngos_file_proposes_the_agreement_fields_and_writes_nothing(client, admin_user, registry):
    client.force_login(admin_user)
    before = Agreement.objects.count()
    response = upload(client, SAMPLE)
    assert response.status_code == 302
    page = client.get(reverse("api:iati_confirm"))
    assert Agreement.objects.count() == before
    form = page.context["form"]
    assert form.initial["valid_from"] == datetime.date(2025, 1, 1)
    assert form.initial["valid_to"] == datetime.date(2027, 12, 31)
    assert set(form.initial["sectors"]) == set(Sector.objects.filter(
        code__in=["rural-water-supply", "rural-sanitation"]).values_list("pk", flat=True))
    assert set(form.initial["provinces"]) == set(Province.objects.filter(code__in=["17", "02"]).values_list("pk", flat=True))
    assert str(form.initial["planned_budget_usd"]) == "250000.50"  # the EUR budget is left out, and said so
    assert form.initial["ngo"] == registry.pk  # its name matches exactly one NGO
    notes = " ".join(page.context["proposal"].notes)
    assert "Bangkok" in notes and "99810" in notes and "USD" in notes
    body = page.content.decode()
    assert "ទឹកស្អាត និងអនាម័យជនបទ" in body and "XM-DAC-47066-KH-2024-WASH" in body


def test_staff_confirm_the_prefilled_form_and_the_agreement_is_recorded(client, admin_user, registry, siem_reap):
    client.force_login(admin_user)
    upload(client, SAMPLE)
    response = client.post(reverse("api:iati_confirm"), {
        "ngo": registry.pk, "reference_number": "MRD-IATI-1", "valid_from": "2031-01-01", "valid_to": "2033-12-31",
        "department": Department.objects.first().pk, "sectors": [Sector.objects.first().pk], "provinces": [siem_reap.pk],
        "planned_budget_usd": "250000.50",
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    created = Agreement.objects.get(reference_number="MRD-IATI-1")
    assert created.ngo == registry and str(created.planned_budget_usd) == "250000.50"
    assert IATI_SESSION_KEY not in client.session


def test_a_renewal_from_an_iati_file_starts_the_renewal_with_the_proposed_scope(client, admin_user, registry, battambang):
    client.force_login(admin_user)
    current = registry.agreements.get(renews__isnull=False)
    upload(client, SAMPLE, renews=current.pk)
    response = client.post(reverse("api:iati_confirm"), {
        "ngo": registry.pk, "reference_number": "MRD-IATI-2", "valid_from": "2031-01-01", "valid_to": "2033-12-31",
        "provinces": [battambang.pk], "planned_budget_usd": "5000",
    })
    assert response.status_code == 302
    successor = Agreement.objects.get(reference_number="MRD-IATI-2")
    assert successor.renews == current and successor.signed_on is None
    assert list(successor.provinces.all()) == [battambang]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol4;</iati-identifier></iati-activity></iati-activities>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&secret;</iati-identifier></iati-activity></iati-activities>"""


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not xml at all", "not an XML file"),
    (b"", "empty"),
    (b"<html><body>Hello</body></html>", "not an IATI activities file"),
    (b'<iati-activities version="2.03"><iati-activity><title/></iati-activity></iati-activities>', "not valid IATI 2.03"),
    (BILLION_LAUGHS, "document type"),
    (EXTERNAL_ENTITY, "document type"),
])
def test_a_bad_or_hostile_file_is_refused_with_a_clear_message_and_nothing_is_kept(client, admin_user, registry,
                                                                                    content, message):
    client.force_login(admin_user)
    before = Agreement.objects.count()
    response = upload(client, content)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert "root:" not in response.content.decode()  # /etc/passwd was never read
    assert Agreement.objects.count() == before and IATI_SESSION_KEY not in client.session


def test_a_file_over_the_size_limit_is_refused(client, admin_user, settings):
    settings.IATI_UPLOAD_MAX_BYTES = 100
    client.force_login(admin_user)
    response = upload(client, SAMPLE)
    assert response.status_code == 400 and "MB" in " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize(("role", "status"), [("provincial_user", 403), ("officer_user", 403), ("head_user", 403),
                                              ("admin_user", 200)])
def test_only_those_who_may_record_agreements_may_upload_iati_files(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("api:iati_upload")).status_code == status
    assert client.get(reverse("api:iati_confirm")).status_code in ((status, 302) if status == 200 else (status,))
