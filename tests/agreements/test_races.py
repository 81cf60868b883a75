"""Two people at once: stale forms are refused with a message, and a race for a unique thing (a reference
number, an NGO's name) ends in a message next to the field, never in a 500 or a duplicate.

Races are reproduced two ways: deterministically, by recording the other person's row between the
form's validation and the save; and with two real database connections (threads), one blocked by
PostgreSQL on the other's uncommitted row until it commits.
"""
import datetime
import importlib
import threading
import time

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.utils import translation

from agreements import services
from agreements.forms import AgreementForm, NGOForm
from agreements.models import NGO, Agreement, RenewalChecklistEntry
from mrd_ngo.roles import Role
from tests.factories import AgreementFactory, NGOFactory, UserFactory

D = datetime.date


def agreement_form_data(ngo, **overrides):
    return {
        "ngo": ngo.pk, "reference_number": "MRD-2025-NEW", "signed_on": "2024-12-20",
        "valid_from": "2025-01-01", "valid_to": "2027-12-31", "planned_budget_usd": "250000",
        **overrides,
    }


def ngo_form_data(**overrides):
    return {"name_km": "", "name_en": "Clean Water Cambodia", "kind": "local", "is_active": "on", **overrides}


# ---- The renewal checklist and the signed document carry a version -------------------------------

@pytest.fixture
def renewal(db, admin_user):
    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    return services.agreement_renew(agreement=agreement, by=admin_user, reference_number="MRD-R",
                                    valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))


def checklist_post(form, **dates):
    """What a browser posts from `form` (the checklist form as the page showed it), with `dates` typed."""
    data = {"version": form.initial["version"]}
    data.update({f"entry_{entry.pk}": "" for entry in form.entries})
    data.update(dates)
    return data


def test_stale_checklist_form_is_refused_with_a_message_and_the_recorded_document_kept(client_as, renewal, admin_user):
    second_admin = UserFactory(role=Role.ADMINISTRATOR)
    first = client_as(admin_user)
    first_form = first.get(f"/agreements/{renewal.pk}/").context["checklist_form"]
    entry = list(renewal.checklist_entries.all())[0]

    # The second administrator records the request letter meanwhile.
    from django.test import Client
    other = Client()
    other.force_login(second_admin)
    other_form = other.get(f"/agreements/{renewal.pk}/").context["checklist_form"]
    response = other.post(f"/agreements/{renewal.pk}/checklist/",
                          checklist_post(other_form, **{f"entry_{entry.pk}": "2024-11-20"}))
    assert response.status_code == 302

    # The first one saves the form they opened before: it still shows the letter as missing.
    response = first.post(f"/agreements/{renewal.pk}/checklist/", checklist_post(first_form))
    assert response.status_code == 200
    assert "Someone else saved changes here after you opened this form" in response.content.decode()
    assert RenewalChecklistEntry.objects.get(pk=entry.pk).received_on == D(2024, 11, 20)


def test_checklist_form_opened_after_the_last_save_is_saved(client_as, renewal, admin_user):
    client = client_as(admin_user)
    entries = list(renewal.checklist_entries.all())
    for day, entry in (("2024-11-20", entries[0]), ("2024-11-21", entries[1])):
        form = client.get(f"/agreements/{renewal.pk}/").context["checklist_form"]
        # The first date, saved before, stays as the form shows it.
        data = checklist_post(form, **{f"entry_{e.pk}": e.received_on.isoformat() for e in
                                       RenewalChecklistEntry.objects.filter(agreement=renewal, received_on__isnull=False)})
        data[f"entry_{entry.pk}"] = day
        assert client.post(f"/agreements/{renewal.pk}/checklist/", data).status_code == 302
    saved = dict(RenewalChecklistEntry.objects.filter(agreement=renewal).values_list("pk", "received_on"))
    assert saved[entries[0].pk] == D(2024, 11, 20) and saved[entries[1].pk] == D(2024, 11, 21)


def test_stale_document_upload_does_not_replace_the_document_uploaded_meanwhile(client_as, admin_user):
    agreement = AgreementFactory()
    client = client_as(admin_user)
    stale_version = client.get(f"/agreements/{agreement.pk}/document/upload/").context["form"].initial["version"]
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    from django.core.files.uploadedfile import SimpleUploadedFile
    services.agreement_attach_document(agreement=agreement, by=admin_user,
                                       upload=SimpleUploadedFile("theirs.pdf", pdf, content_type="application/pdf"))
    response = client.post(f"/agreements/{agreement.pk}/document/upload/", {
        "version": stale_version, "document": SimpleUploadedFile("mine.pdf", pdf, content_type="application/pdf"),
    })
    assert response.status_code == 200
    assert "Someone else saved changes here" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).document_name == "theirs.pdf"


# ---- A reference number taken between the check and the save ------------------------------------

def test_reference_number_taken_between_validation_and_save_is_a_message_next_to_the_field(
        client_as, admin_user, monkeypatch):
    ngo = NGOFactory()
    validated = AgreementForm._post_clean  # the form's last check, against the model

    def clean_then_someone_else_saves(form):
        validated(form)
        AgreementFactory(reference_number="mrd-2025-new")  # the other person's agreement, case aside

    monkeypatch.setattr(AgreementForm, "_post_clean", clean_then_someone_else_saves)
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(ngo))
    assert response.status_code == 200
    errors = response.context["form"].errors["reference_number"]
    assert "already has this reference number" in errors[0] and "mrd-2025-new" in errors[0]
    assert not Agreement.objects.filter(ngo=ngo).exists()


def test_renewal_with_a_reference_number_taken_meanwhile_is_a_message_next_to_the_field(
        client_as, admin_user, monkeypatch):
    from agreements.forms import RenewForm

    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    validated = RenewForm.clean

    def clean_then_someone_else_saves(form):
        cleaned = validated(form)
        AgreementFactory(reference_number="MRD-R-2025")
        return cleaned

    monkeypatch.setattr(RenewForm, "clean", clean_then_someone_else_saves)
    response = client_as(admin_user).post(f"/agreements/{agreement.pk}/renew/", {
        "reference_number": "MRD-R-2025", "valid_from": "2025-01-01", "valid_to": "2027-12-31"})
    assert response.status_code == 200
    assert "already has this reference number" in response.context["form"].errors["reference_number"][0]
    assert not Agreement.objects.filter(renews=agreement).exists()


def test_reference_numbers_differing_only_by_case_are_refused_by_the_database(db):
    AgreementFactory(reference_number="MRD-2025-001")
    from django.db import IntegrityError
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.bulk_create([Agreement(ngo=NGOFactory(), reference_number="mrd-2025-001",
                                                 valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31))])


# ---- An NGO's name taken between the check and the save ------------------------------------------

def test_ngo_name_taken_between_validation_and_save_is_a_message_next_to_the_name(
        client_as, officer_user, monkeypatch):
    validated = NGOForm.clean

    def clean_then_someone_else_saves(form):
        cleaned = validated(form)
        NGOFactory(name_en="CLEAN  water cambodia", name_km="")  # the same name, as the registry folds it
        return cleaned

    monkeypatch.setattr(NGOForm, "clean", clean_then_someone_else_saves)
    response = client_as(officer_user).post("/ngos/new/", ngo_form_data())
    assert response.status_code == 200
    assert "An NGO with this name is already recorded" in response.context["form"].errors["name_en"][0]
    assert NGO.objects.filter(name_en_key="clean water cambodia").count() == 1


def test_renaming_an_ngo_to_a_name_taken_meanwhile_is_a_message_next_to_the_name(
        client_as, officer_user, monkeypatch):
    ngo = NGOFactory(name_en="Old Name")
    validated = NGOForm.clean

    def clean_then_someone_else_saves(form):
        cleaned = validated(form)
        NGOFactory(name_en="New Name", name_km="")
        return cleaned

    monkeypatch.setattr(NGOForm, "clean", clean_then_someone_else_saves)
    client = client_as(officer_user)
    form = client.get(f"/ngos/{ngo.pk}/edit/").context["form"]
    response = client.post(f"/ngos/{ngo.pk}/edit/", ngo_form_data(name_en="New Name", name_km=ngo.name_km,
                                                                   version=form.initial["version"]))
    assert response.status_code == 200
    assert "An NGO with this name is already recorded" in response.context["form"].errors["name_en"][0]
    assert NGO.objects.get(pk=ngo.pk).name_en == "Old Name"


def test_migration_keeps_existing_duplicate_names_and_marks_the_newer_one(db):
    older = NGOFactory(name_en="Same Name")
    newer = NGOFactory(name_en="Other Name")
    # Duplicates recorded before the constraint existed (a bulk update bypasses the keys).
    NGO.objects.filter(pk=newer.pk).update(name_en="same  NAME", name_en_key="", name_km_key="")
    NGO.objects.filter(pk=older.pk).update(name_en_key="", name_km_key="")
    migration = importlib.import_module("agreements.migrations.0006_unique_names_history")
    migration.fold_ngo_names(apps, None)
    keys = dict(NGO.objects.filter(pk__in=[older.pk, newer.pk]).values_list("pk", "name_en_key"))
    assert keys == {older.pk: "same name", newer.pk: f"same name#duplicate-of-{older.pk}"}
    # Editing the newer one says what is wrong, next to the name.
    with pytest.raises(services.ValidationError) as refused:
        services.ngo_update(ngo=NGO.objects.get(pk=newer.pk), by=None, name_en="same  NAME")
    assert "name_en" in refused.value.message_dict


# ---- Real concurrency: two database connections --------------------------------------------------

@pytest.fixture
def two_connections(transactional_db):
    """Threads with their own database connections: rows really committed (tests/conftest.py restores the migrated ones)."""
    yield


def in_thread(target, outcome: dict, name: str, **kwargs):
    def run():
        try:
            with translation.override("en"):
                outcome[name] = target(**kwargs)
        except Exception as error:  # noqa: BLE001 (the test looks at what each side got)
            outcome[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until_blocked(timeout: float = 10) -> None:
    """Until a session of this database waits for a lock (the second writer, stopped by the first's row)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second writer never waited for the first")


def race(first, second):
    """Run `first` in a transaction held open until `second` (another connection) waits for it; then commit."""
    inserted, release, outcome = threading.Event(), threading.Event(), {}

    def hold_open():
        with transaction.atomic():
            result = first()
            inserted.set()
            release.wait(20)
        return result

    one = in_thread(hold_open, outcome, "first")
    assert inserted.wait(20)
    two = in_thread(second, outcome, "second")
    wait_until_blocked()
    release.set()
    one.join(20)
    two.join(20)
    return outcome["first"], outcome["second"]


def test_two_agreements_created_at_once_with_one_reference_number_give_one_agreement_and_one_message(
        two_connections):
    admin = UserFactory()
    ngo_a, ngo_b = NGOFactory(), NGOFactory()

    def create(ngo):
        return lambda: services.agreement_create(by=admin, ngo=ngo, reference_number="MRD-SAME", signed_on=None,
                                                 valid_from=D(2025, 1, 1), valid_to=D(2026, 12, 31))

    first, second = race(create(ngo_a), create(ngo_b))
    assert isinstance(first, Agreement)
    assert isinstance(second, services.ValidationError), second
    assert "already has this reference number" in second.message_dict["reference_number"][0]
    assert list(Agreement.objects.filter(reference_number__iexact="MRD-SAME").values_list("ngo", flat=True)) == [ngo_a.pk]


def test_two_ngos_created_at_once_with_one_name_give_one_ngo_and_one_message(two_connections):
    officer = UserFactory()

    def create(name):
        return lambda: services.ngo_create(by=officer, name_en=name, name_km="")

    first, second = race(create("Rural Roads Cambodia"), create("rural roads  CAMBODIA"))
    assert isinstance(first, NGO)
    assert isinstance(second, services.ValidationError), second
    assert "An NGO with this name is already recorded" in second.message_dict["name_en"][0]
    assert NGO.objects.filter(name_en_key="rural roads cambodia").count() == 1


def test_the_admin_site_refuses_an_ngo_name_already_recorded_with_a_message(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    NGOFactory(name_en="Clean Water Cambodia", name_km="")
    client.force_login(admin_user)
    response = client.post("/admin/agreements/ngo/add/", {
        "name_km": "", "name_en": "clean water  CAMBODIA", "kind": "local", "is_active": "on",
    })
    assert response.status_code == 200
    assert "name_en" in response.context["adminform"].form.errors
    assert NGO.objects.filter(name_en_key="clean water cambodia").count() == 1
