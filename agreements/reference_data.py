"""The ministry's reference data loaded by migration: provinces, sectors, departments, indicators."""
import csv
from pathlib import Path

PROVINCES_CSV = Path(__file__).parent / "data" / "provinces.csv"

# (code, Khmer, English)
SECTORS = [
    ("rural-water-supply", "ការផ្គត់ផ្គង់ទឹកស្អាតជនបទ", "Rural water supply"),
    ("rural-sanitation", "អនាម័យ និងសុខវិទ្យាជនបទ", "Rural sanitation and hygiene"),
    ("rural-roads", "ផ្លូវលំជនបទ", "Rural roads"),
    ("community-development", "អភិវឌ្ឍសហគមន៍ និងភូមិគំរូ", "Community development and model villages"),
    ("rural-economy", "អភិវឌ្ឍសេដ្ឋកិច្ចជនបទ", "Rural economic development"),
    ("ethnic-minorities", "អភិវឌ្ឍជនជាតិដើមភាគតិច", "Ethnic minority development"),
    ("early-childhood", "ការថែទាំ និងអភិវឌ្ឍកុមារតូច", "Early childhood care and development"),
]

DEPARTMENTS = [
    ("water-supply", "នាយកដ្ឋានផ្គត់ផ្គង់ទឹកស្អាតជនបទ", "Department of Rural Water Supply"),
    ("health-care", "នាយកដ្ឋានអនាម័យជនបទ", "Department of Rural Health Care"),
    ("rural-roads", "នាយកដ្ឋានផ្លូវលំជនបទ", "Department of Rural Roads"),
    ("community-development", "នាយកដ្ឋានអភិវឌ្ឍសហគមន៍", "Department of Community Development"),
    ("economic-development", "នាយកដ្ឋានអភិវឌ្ឍសេដ្ឋកិច្ចជនបទ", "Department of Rural Economic Development"),
    ("ethnic-minorities", "នាយកដ្ឋានអភិវឌ្ឍជនជាតិដើមភាគតិច", "Department of Ethnic Minority Development"),
    ("early-childhood", "នាយកដ្ឋានថែទាំ និងអភិវឌ្ឍកុមារតូច", "Department of Early Childhood Care and Development"),
    ("planning", "នាយកដ្ឋានផែនការ និងសហប្រតិបត្តិការអន្តរជាតិ", "Department of Planning and International Cooperation"),
]

# (code, sector, Khmer, English, unit Khmer, unit English, by sex, key)
INDICATORS = [
    ("wells", "rural-water-supply", "អណ្ដូងដែលបានសាងសង់", "Wells built", "អណ្ដូង", "wells", False, True),
    ("ponds", "rural-water-supply", "ស្រះសហគមន៍ដែលបានជីក ឬជួសជុល", "Community ponds dug or repaired", "ស្រះ", "ponds", False, False),
    ("rainwater-tanks", "rural-water-supply", "ពាងស្ដុកទឹកភ្លៀងដែលបានចែកជូន", "Rainwater tanks and jars provided", "ពាង", "tanks", False, False),
    ("households-water", "rural-water-supply", "គ្រួសារដែលទទួលបានទឹកស្អាត", "Households with access to clean water", "គ្រួសារ", "households", False, True),
    ("latrines", "rural-sanitation", "បង្គន់អនាម័យគ្រួសារដែលបានសាងសង់", "Household latrines built", "បង្គន់", "latrines", False, True),
    ("handwashing", "rural-sanitation", "កន្លែងលាងដៃដែលបានដំឡើង", "Handwashing facilities installed", "កន្លែង", "facilities", False, False),
    ("hygiene-trained", "rural-sanitation", "អ្នកចូលរួមអប់រំអនាម័យ", "People reached by hygiene education", "នាក់", "people", True, False),
    ("road-km", "rural-roads", "ផ្លូវលំជនបទដែលបានសាងសង់ ឬជួសជុល", "Rural roads built or repaired", "គ.ម", "km", False, True),
    ("model-villages", "community-development", "ភូមិគំរូដែលបានគាំទ្រ", "Model villages supported", "ភូមិ", "villages", False, False),
    ("people-trained", "community-development", "អ្នកទទួលបានការបណ្ដុះបណ្ដាល", "People trained", "នាក់", "people", True, True),
    ("savings-groups", "rural-economy", "ក្រុមសន្សំប្រាក់ដែលបានបង្កើត", "Savings groups formed", "ក្រុម", "groups", False, False),
    ("farmers-supported", "rural-economy", "កសិករដែលទទួលបានការគាំទ្រ", "Farmers supported", "នាក់", "people", True, False),
    ("ethnic-households", "ethnic-minorities", "គ្រួសារជនជាតិដើមភាគតិចដែលទទួលបានការគាំទ្រ", "Ethnic minority households supported", "គ្រួសារ", "households", False, False),
    ("children-eccd", "early-childhood", "កុមារតូចដែលទទួលបានសេវាថែទាំ និងអប់រំ", "Young children receiving care and education", "នាក់", "children", True, False),
]


def province_rows() -> list[dict]:
    """The 25 provinces of the national list (code, Khmer and English names, capital or province)."""
    with PROVINCES_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_reference_data(apps) -> None:
    """Create or update the reference rows; safe to run again."""
    Province = apps.get_model("agreements", "Province")
    Sector = apps.get_model("agreements", "Sector")
    Department = apps.get_model("agreements", "Department")
    Indicator = apps.get_model("agreements", "Indicator")
    for row in province_rows():
        Province.objects.update_or_create(
            code=row["code"],
            defaults={"name_km": row["name_km"], "name_en": row["name_en"], "is_capital": row["kind"] == "capital"},
        )
    for order, (code, km, en) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(code=code, defaults={"name_km": km, "name_en": en, "order": order})
    for code, km, en in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name_km": km, "name_en": en})
    for order, (code, sector, km, en, unit_km, unit_en, by_sex, key) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "sector": Sector.objects.get(code=sector), "name_km": km, "name_en": en, "unit_km": unit_km,
                "unit_en": unit_en, "disaggregated_by_sex": by_sex, "is_key": key, "order": order,
            },
        )


def provincial_department_names(province) -> tuple[str, str, str]:
    """(code, Khmer, English) of the provincial department of rural development of `province` (a row with
    `code`, `name_km`, `name_en`, `is_capital`)."""
    if province.is_capital:
        return (f"pdrd-{province.code}", f"មន្ទីរអភិវឌ្ឍន៍ជនបទរាជធានី{province.name_km}",
                f"{province.name_en} Capital Department of Rural Development")
    return (f"pdrd-{province.code}", f"មន្ទីរអភិវឌ្ឍន៍ជនបទខេត្ត{province.name_km}",
            f"Provincial Department of Rural Development, {province.name_en}")


def load_provincial_departments(apps) -> None:
    """One department per province (the provincial departments of rural development); safe to run again."""
    Province = apps.get_model("agreements", "Province")
    Department = apps.get_model("agreements", "Department")
    for province in Province.objects.all():
        code, km, en = provincial_department_names(province)
        Department.objects.update_or_create(code=code, defaults={"name_km": km, "name_en": en, "province": province})
