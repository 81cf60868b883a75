"""The official gazetteer: loading MEF's list by codes, again and again, renames, retirements, bad input."""
import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.gazetteer import Edition, GazetteerError, Unit, edition_from_package, gazetteer_load
from agreements.models import Commune, District, Province, Village
from agreements.reference_data import PROVINCES_CSV
from tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 28)
LATER = datetime.date(2027, 6, 1)


def small_edition(**changes) -> Edition:
    """Two districts of Siem Reap, three communes, five villages; `changes` replaces a level's units."""
    units = {
        "province": [Unit("17", "សៀមរាប", "Siemreap")],
        "district": [Unit("1701", "អង្គរជុំ", "Angkor Chum", "17"), Unit("1702", "អង្គរធំ", "Angkor Thum", "17")],
        "commune": [Unit("170101", "ចារឈូក", "Char Chhuk", "1701"), Unit("170102", "ដូនពេង", "Doun Peaeng", "1701"),
                    Unit("170201", "ល្វែង", "Lvea", "1702")],
        "village": [Unit("17010101", "ចារឈូក", "Char Chhuk", "170101"), Unit("17010102", "ត្រពាំងវែង", "Trapeang Veaeng", "170101"),
                    Unit("17010201", "ដូនពេង", "Doun Peaeng", "170102"), Unit("17020101", "ល្វែង", "Lvea", "170201"),
                    Unit("17020102", "ស្រែថ្មី", "Srae Thmei", "170201")],
    }
    units.update(changes)
    return Edition("test edition", units)


def test_a_first_load_creates_every_unit_with_its_codes_names_and_parents():
    counts = gazetteer_load(edition=small_edition(), today=DAY)
    assert (counts["district"].created, counts["commune"].created, counts["village"].created) == (2, 3, 5)
    village = Village.objects.select_related("commune__district__province", "province").get(code="17010102")
    assert (village.name_km, village.name_en) == ("ត្រពាំងវែង", "Trapeang Veaeng")
    assert village.commune.code == "170101" and village.commune.district.code == "1701"
    assert village.province.code == "17" == village.commune.district.province.code
    assert village.retired_on is None and not village.is_model_village


def test_loading_the_same_edition_again_changes_nothing():
    gazetteer_load(edition=small_edition(), today=DAY)
    before = list(Village.objects.order_by("pk").values())
    counts = gazetteer_load(edition=small_edition(), today=LATER)
    assert [(c.created, c.renamed, c.retired, c.unchanged) for c in counts.values()] == [(0, 0, 0, 2), (0, 0, 0, 3), (0, 0, 0, 5)]
    assert list(Village.objects.order_by("pk").values()) == before


def test_a_renamed_village_keeps_its_row_its_results_and_flag_and_the_rename_is_in_its_history():
    gazetteer_load(edition=small_edition(), today=DAY)
    village = Village.objects.get(code="17020102")
    Village.objects.filter(pk=village.pk).update(is_model_village=True)
    edition = small_edition()
    edition.units["village"][4] = Unit("17020102", "ស្រែថ្មីលើ", "Srae Thmei Leu", "170201")
    counts = gazetteer_load(edition=edition, today=LATER)
    assert (counts["village"].renamed, counts["village"].unchanged) == (1, 4)
    village.refresh_from_db()
    assert (village.name_km, village.name_en, village.is_model_village) == ("ស្រែថ្មីលើ", "Srae Thmei Leu", True)
    assert Village.objects.search("thmei leu").get() == village  # the search keys follow the new name
    rename = village.events.filter(name_en="Srae Thmei Leu").get()
    assert rename.pgh_context.metadata["command"] == "load_gazetteer"


def test_a_unit_missing_from_a_later_edition_is_retired_never_deleted_and_comes_back_if_it_returns():
    gazetteer_load(edition=small_edition(), today=DAY)
    edition = small_edition()
    del edition.units["village"][2]  # 17010201 gone
    del edition.units["commune"][1]  # its commune too
    counts = gazetteer_load(edition=edition, today=LATER)
    assert (counts["village"].retired, counts["commune"].retired, counts["district"].retired) == (1, 1, 0)
    gone = Village.objects.get(code="17010201")
    assert gone.retired_on == LATER and Commune.objects.get(code="170102").retired_on == LATER
    assert Village.objects.count() == 5 and Village.objects.in_use().count() == 4
    counts = gazetteer_load(edition=small_edition(), today=LATER)
    assert counts["village"].restored == 1
    gone.refresh_from_db()
    assert gone.retired_on is None


def test_a_village_recorded_before_the_gazetteer_is_linked_by_its_khmer_name_in_its_province():
    siem_reap = Province.objects.get(code="17")
    typed = VillageFactory(province=siem_reap, name_km="ត្រពាំង\u200bវែង", name_en="Trapaing Veng", is_model_village=True)
    twin_a = VillageFactory(province=siem_reap, name_km="ល្វែង", name_en="Lvea A")
    counts = gazetteer_load(edition=small_edition(), today=DAY)
    typed.refresh_from_db()
    assert (typed.code, typed.name_en, typed.is_model_village, typed.commune.code) == ("17010102", "Trapeang Veaeng", True, "170101")
    assert counts["village"].linked == 2 and counts["village"].created == 3
    twin_a.refresh_from_db()
    assert twin_a.code == "17020101"


def test_a_corrected_code_takes_over_the_village_of_the_old_code():
    gazetteer_load(edition=small_edition(), today=DAY)
    village = Village.objects.get(code="17020102")
    edition = small_edition()
    edition.units["village"][4] = Unit("17020103", "ស្រែថ្មី", "Srae Thmei", "170201")
    counts = gazetteer_load(edition=edition, today=LATER)
    village.refresh_from_db()
    assert village.code == "17020103" and village.retired_on is None
    assert (counts["village"].linked, counts["village"].retired, counts["village"].created) == (1, 0, 0)


def test_villages_sharing_a_code_in_the_list_are_kept_apart_by_commune_and_name():
    edition = small_edition()
    edition.units["village"] += [Unit("17020199", "ក", "Ka", "170201"), Unit("17020199", "ខ", "Kha", "170201")]
    gazetteer_load(edition=edition, today=DAY)
    assert Village.objects.filter(code="17020199").count() == 2
    counts = gazetteer_load(edition=edition, today=LATER)
    assert counts["village"].unchanged == 7


def test_loading_some_provinces_leaves_the_others_alone():
    edition = small_edition()
    edition.units["province"].append(Unit("23", "កែប", "Kep"))
    edition.units["district"].append(Unit("2301", "ដំណាក់ចង្អើរ", "Damnak Chang'aeur", "23"))
    edition.units["commune"].append(Unit("230101", "អូរក្រសារ", "Ou Krasar", "2301"))
    edition.units["village"].append(Unit("23010101", "អូរក្រសារ", "Ou Krasar", "230101"))
    gazetteer_load(edition=edition, today=DAY, provinces={"23"})
    assert list(Village.objects.values_list("code", flat=True)) == ["23010101"]
    gazetteer_load(edition=small_edition(), today=DAY, provinces={"17"})  # Kep is not in it: not retired either
    assert Village.objects.get(code="23010101").retired_on is None


@pytest.mark.parametrize("edition, message", [
    (small_edition(commune=[Unit("170101", "ចារឈូក", "Char Chhuk", "1709")]), "its district 1709 is not in the edition"),
    (small_edition(district=[Unit("1701", "អង្គរជុំ", "Angkor Chum", "17"), Unit("17x2", "អង្គរធំ", "Angkor Thum", "17")]),
     "the code must be 4 digits"),
    (small_edition(province=[Unit("17", "សៀមរាប", "Siemreap"), Unit("99", "?", "Atlantis")]), "99 are not among the ministry's provinces"),
])
def test_an_edition_with_a_defect_is_refused_whole(edition, message):
    with pytest.raises(GazetteerError, match=message):
        gazetteer_load(edition=edition, today=DAY)
    assert not District.objects.exists() and not Village.objects.exists()


def write_edition(folder, edition: Edition) -> None:
    names = {"province": "CambodiaProvinceList2027.csv", "district": "CambodiaDistrictList2027.csv",
             "commune": "CambodiaCommuneList2027.csv", "village": "CambodiaVillagesList2027.csv"}
    parents = {"district": "province", "commune": "district", "village": "commune"}
    for level, units in edition.units.items():
        with open(folder / names[level], "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            parent = parents.get(level)
            writer.writerow([f"{level}_code", f"{level}_kh", f"{level}_en"] + ([f"{parent}_code"] if parent else [])
                            + (["district_code"] if level == "village" else []))
            for unit in units:
                writer.writerow([unit.code, unit.name_km, unit.name_en] + ([unit.parent] if parent else [])
                                + ([unit.parent[:4]] if level == "village" else []))


def test_the_command_loads_a_later_edition_from_a_folder_and_prints_what_it_did(tmp_path):
    gazetteer_load(edition=small_edition(), today=DAY)
    edition = small_edition()
    edition.units["village"][0] = Unit("17010101", "ចារឈូកថ្មី", "Char Chhuk Thmei", "170101")
    del edition.units["village"][3]
    write_edition(tmp_path, edition)
    out = io.StringIO()
    call_command("load_gazetteer", "--from-dir", str(tmp_path), "--date", "2027-06-01", stdout=out)
    assert "villages: 0 created, 1 renamed, 1 retired, 3 unchanged" in out.getvalue()
    assert Village.objects.get(code="17020101").retired_on == LATER


def test_the_command_refuses_a_folder_that_is_not_a_gazetteer_and_writes_nothing(tmp_path):
    gazetteer_load(edition=small_edition(), today=DAY)
    before = list(Village.objects.order_by("pk").values())
    edition = small_edition()
    del edition.units["village"][0]  # would retire a village...
    write_edition(tmp_path, edition)
    (tmp_path / "CambodiaCommuneList2027.csv").write_text("name,amount\nfoo,1\n", encoding="utf-8")  # ...but this is no list
    with pytest.raises(CommandError, match=r"CambodiaCommuneList2027.csv: not a gazetteer file of communes \(missing column"):
        call_command("load_gazetteer", "--from-dir", str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a folder"):
        call_command("load_gazetteer", "--from-dir", str(tmp_path / "nowhere"), stdout=io.StringIO())
    assert list(Village.objects.order_by("pk").values()) == before


def test_a_failure_midway_rolls_back_what_was_loaded_before_it(tmp_path):
    """Districts and communes are written before the villages: a village refused by the database undoes them."""
    edition = small_edition()
    edition.units["village"].append(Unit("17020109", "ក" * 300, "", "170201"))  # longer than the column
    with pytest.raises(Exception):
        gazetteer_load(edition=edition, today=DAY)
    assert not District.objects.exists() and not Commune.objects.exists() and not Village.objects.exists()


def test_the_package_edition_holds_all_of_mefs_2025_list_and_our_province_codes_are_its_codes():
    edition = edition_from_package()
    assert [len(edition.units[level]) for level in ("province", "district", "commune", "village")] == [25, 210, 1662, 14576]
    assert edition.unnamed_communes == {"120913"}  # named by 13 villages, missing from the commune list
    with open(PROVINCES_CSV, encoding="utf-8") as ours:
        assert {row["code"] for row in csv.DictReader(ours)} == {unit.code for unit in edition.units["province"]}


def test_the_whole_gazetteer_loads_and_reloads_by_the_command():
    out = io.StringIO()
    call_command("load_gazetteer", stdout=out)
    assert "villages: 14576 created" in out.getvalue()
    assert Village.objects.count() == 14576 and Commune.objects.count() == 1662 and District.objects.count() == 210
    out = io.StringIO()
    call_command("load_gazetteer", stdout=out)
    assert "villages: 0 created, 0 renamed, 0 retired, 14576 unchanged" in out.getvalue()


# ---- The search -------------------------------------------------------------------------------


def options_of(client, **params) -> list[str]:
    import re

    html = client.get("/villages/options/", params).content.decode()
    return [re.sub(r"\s+", " ", label).strip() for label in re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', html)]


@pytest.fixture
def gazetteer(db):
    gazetteer_load(edition=small_edition(), today=DAY)


def test_the_search_finds_villages_by_khmer_or_latin_name_or_code_in_khmer_digits(gazetteer, client, officer_user):
    client.force_login(officer_user)
    client.cookies["django_language"] = "en"
    label = "Trapeang Veaeng 17010102 · Char Chhuk, Angkor Chum, Siem Reap"
    assert options_of(client, q="veaeng") == [label]
    assert options_of(client, q="ត្រពាំង\u200bវែង") == [label]  # folded like the names: a zero-width space is nothing
    assert options_of(client, q="១៧០១០១០២") == [label]
    assert options_of(client, q="1701")[:1] == ["Char Chhuk 17010101 · Char Chhuk, Angkor Chum, Siem Reap"]
    # A name that starts with the query comes before one that only contains it.
    assert options_of(client, q="t") == ["Trapeang Veaeng 17010102 · Char Chhuk, Angkor Chum, Siem Reap",
                                         "Srae Thmei 17020102 · Lvea, Angkor Thum, Siem Reap"]


def test_the_search_keeps_to_the_access_rule_the_agreements_provinces_and_villages_in_use(gazetteer, client, provincial_user):
    from tests.factories import AgreementFactory

    kep = Province.objects.get(code="23")
    Village.objects.create(province=kep, name_en="Ou Krasar", name_km="អូរក្រសារ")
    client.force_login(provincial_user)  # Siem Reap's officer
    assert options_of(client, q="ou krasar") == []
    assert len(options_of(client, q="ល្វែង")) == 1
    Village.objects.filter(code="17020101").update(retired_on=LATER)
    assert options_of(client, q="ល្វែង") == []
    kampot_and_siem_reap = AgreementFactory(provinces=[Province.objects.get(code="07"), Province.objects.get(code="17")])
    assert len(options_of(client, q="ea", agreement=kampot_and_siem_reap.pk)) == 2
    elsewhere = AgreementFactory(provinces=[Province.objects.get(code="07")])
    assert client.get("/villages/options/", {"q": "ch", "agreement": elsewhere.pk}).status_code == 404
