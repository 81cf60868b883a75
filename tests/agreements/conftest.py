"""Fixtures of the registry tests: a logged-in client in English, private media in a temporary folder."""
import pytest
from django.conf import settings as django_settings


@pytest.fixture
def client_as(client):
    """`client_as(user)`: the test client logged in as `user`, pages in English (`lang="km"` for Khmer)."""

    def login(user, lang="en"):
        client.force_login(user)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang
        return client

    return login


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, deleted after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created by the dozen here; the real hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
