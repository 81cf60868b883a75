"""Signed documents: PDF or image by content, size limit, random private name, download only for who may see."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from agreements.models import Agreement
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def upload(client, agreement, name, content, content_type="application/pdf"):
    return client.post(f"/agreements/{agreement.pk}/document/upload/",
                       {"document": SimpleUploadedFile(name, content, content_type=content_type)})


def stored_files(media_root) -> list[Path]:
    return [p for p in Path(media_root).rglob("*") if p.is_file()]


def test_a_signed_pdf_is_stored_under_a_random_name_keeping_the_original_for_display(
        client_as, admin_user, private_media):
    agreement = AgreementFactory()
    response = upload(client_as(admin_user), agreement, "កិច្ចព្រមព្រៀង signed.pdf", PDF)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.document_name == "កិច្ចព្រមព្រៀង signed.pdf"
    assert agreement.document.name.startswith("agreements/") and agreement.document.name.endswith(".pdf")
    assert "signed" not in agreement.document.name
    [path] = stored_files(private_media)
    assert path.read_bytes() == PDF
    assert "កិច្ចព្រមព្រៀង signed.pdf" in client_as(admin_user).get(f"/agreements/{agreement.pk}/").content.decode()


def test_a_scanned_image_is_accepted_with_the_extension_of_its_content(client_as, admin_user):
    agreement = AgreementFactory()
    upload(client_as(admin_user), agreement, "scan.jpeg", PNG, "image/jpeg")  # a PNG whatever the name says
    agreement.refresh_from_db()
    assert agreement.document.name.endswith(".png")


def test_a_text_file_renamed_to_pdf_is_refused_and_nothing_is_saved(client_as, admin_user, private_media):
    agreement = AgreementFactory()
    response = upload(client_as(admin_user), agreement, "agreement.pdf", b"Just some text, not a PDF at all.\n" * 10)
    assert response.status_code == 200
    assert "This file is not a PDF or an image, whatever its name says." in response.content.decode()
    assert 'data-testid="error-document"' in response.content.decode()
    assert not Agreement.objects.get(pk=agreement.pk).document
    assert stored_files(private_media) == []


def test_an_executable_renamed_to_pdf_is_refused(client_as, admin_user):
    agreement = AgreementFactory()
    response = upload(client_as(admin_user), agreement, "signed.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    assert response.context["form"].errors["document"]
    assert not Agreement.objects.get(pk=agreement.pk).document


def test_an_oversized_file_is_refused_with_the_limit_and_nothing_is_saved(client_as, admin_user, settings,
                                                                          private_media):
    settings.UPLOAD_MAX_BYTES = 1_048_576  # 1 MB
    agreement = AgreementFactory()
    response = upload(client_as(admin_user), agreement, "big.pdf", PDF + b"0" * 1_100_000)
    assert response.context["form"].errors["document"] == [
        "This file is 1.1 MB; the largest file accepted is 1.0 MB."]
    assert not Agreement.objects.get(pk=agreement.pk).document
    assert stored_files(private_media) == []


@override_settings(UPLOAD_MAX_BYTES=1_048_576)  # 1 MB
def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused(client_as, admin_user, private_media):
    client = client_as(admin_user)
    over = AgreementFactory()
    response = upload(client, over, "over.pdf", PDF + b"0" * (1_048_576 - len(PDF) + 1))
    # The size is rounded up: a file one byte over never reads as the limit itself.
    assert response.context["form"].errors["document"] == [
        "This file is 1.1 MB; the largest file accepted is 1.0 MB."]
    assert not Agreement.objects.get(pk=over.pk).document
    assert stored_files(private_media) == []

    at_limit = AgreementFactory()
    content = PDF + b"0" * (1_048_576 - len(PDF))
    assert upload(client, at_limit, "at-limit.pdf", content).status_code == 302
    [path] = stored_files(private_media)
    assert path.read_bytes() == content


def test_an_empty_upload_is_refused(client_as, admin_user):
    agreement = AgreementFactory()
    response = upload(client_as(admin_user), agreement, "empty.pdf", b"")
    assert response.context["form"].errors["document"]


def test_a_new_document_replaces_the_old_file(client_as, admin_user, private_media, django_capture_on_commit_callbacks):
    agreement = AgreementFactory()
    client = client_as(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, agreement, "first.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, agreement, "second.png", PNG, "image/png")
    [path] = stored_files(private_media)
    assert path.suffix == ".png"
    assert Agreement.objects.get(pk=agreement.pk).document_name == "second.png"


def test_download_sends_the_original_name_and_nosniff(client_as, admin_user, officer_user):
    agreement = AgreementFactory()
    upload(client_as(admin_user), agreement, "Signed MoU.pdf", PDF)
    response = client_as(officer_user).get(f"/agreements/{agreement.pk}/document/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Signed MoU.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_is_404_for_users_who_may_not_see_the_agreement(client_as, admin_user, provincial_user, battambang,
                                                                   siem_reap, no_role_user, client):
    elsewhere = AgreementFactory(provinces=[battambang])
    mine = AgreementFactory(provinces=[siem_reap])
    for agreement in (elsewhere, mine):
        upload(client_as(admin_user), agreement, "mou.pdf", PDF)
    client.logout()
    assert client.get(f"/agreements/{elsewhere.pk}/document/").status_code == 302  # to the login page
    provincial = client_as(provincial_user)
    assert provincial.get(f"/agreements/{elsewhere.pk}/document/").status_code == 404
    assert provincial.get(f"/agreements/{mine.pk}/document/").status_code == 200
    assert client_as(no_role_user).get(f"/agreements/{mine.pk}/document/").status_code == 403


def test_there_is_nothing_to_download_before_an_upload(client_as, officer_user):
    agreement = AgreementFactory()
    assert client_as(officer_user).get(f"/agreements/{agreement.pk}/document/").status_code == 404


def test_uploads_are_not_served_under_a_public_url(client_as, admin_user):
    agreement = AgreementFactory()
    client = client_as(admin_user)
    upload(client, agreement, "mou.pdf", PDF)
    name = Agreement.objects.get(pk=agreement.pk).document.name
    for prefix in ("/", "/media/", "/static/"):
        assert client.get(prefix + name).status_code == 404
