"""Fixtures of the progress report tests: a semester, an NGO's agreement in two provinces, helpers."""
import datetime

import pytest
from django.test import Client

from agreements.models import Indicator, Province, Sector
from tests.factories import AgreementFactory, ReportingPeriodFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are made in almost every test here; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def period(db):
    """First semester 2024, due on 31 July 2024."""
    return ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))


@pytest.fixture
def water(db):
    return Sector.objects.get(code="rural-water-supply")


@pytest.fixture
def sanitation(db):
    return Sector.objects.get(code="rural-sanitation")


@pytest.fixture
def wells(db):
    """Wells built: not counted by sex."""
    return Indicator.objects.get(code="wells")


@pytest.fixture
def hygiene(db):
    """People reached by hygiene education: counted by sex."""
    return Indicator.objects.get(code="hygiene-trained")


@pytest.fixture
def kampot(db):
    return Province.objects.get(code="07")


@pytest.fixture
def agreement(db, siem_reap, battambang, water, sanitation):
    """An agreement in force all through 2024, in Siem Reap and Battambang, for water and sanitation."""
    return AgreementFactory(
        provinces=[siem_reap, battambang], sectors=[water, sanitation], ngo__contact_person="Sok Dara",
    )


@pytest.fixture
def ngo(agreement):
    return agreement.ngo


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer_user):
    return client_for(officer_user)


@pytest.fixture
def head_client(head_user):
    return client_for(head_user)


@pytest.fixture
def admin_client_(admin_user):
    return client_for(admin_user)


@pytest.fixture
def provincial_client(provincial_user):
    return client_for(provincial_user)


@pytest.fixture
def english():
    """Messages in English, so assertions hold once the Khmer catalogue translates them."""
    from django.utils import translation

    with translation.override("en"):
        yield


def in_english(client: Client) -> Client:
    """A client whose pages come in English (the language cookie the switch sets)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
