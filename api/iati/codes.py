"""The IATI code lists as the ministry's registry uses them, both ways (export and import).

IATI publishes its code lists separately from the schema (iatistandard.org, "Codelists"); only the
codes used here are written down, each with its meaning.
"""
from agreements.choices import AgreementStatus, NGOKind

VERSION = "2.03"

#: OrganisationType: 10 Government, 21 International NGO, 22 National NGO.
GOVERNMENT = "10"
ORGANISATION_TYPE = {NGOKind.INTERNATIONAL: "21", NGOKind.LOCAL: "22"}

#: OrganisationRole: 4 Implementing (the NGO).
IMPLEMENTING = "4"

#: ActivityStatus: 1 Pipeline/identification, 2 Implementation, 4 Closed, 5 Cancelled.
ACTIVITY_STATUS = {
    AgreementStatus.DRAFT: "1",
    AgreementStatus.ACTIVE: "2",
    AgreementStatus.EXPIRING: "2",
    AgreementStatus.EXPIRED: "4",
    AgreementStatus.RENEWED: "4",
    AgreementStatus.TERMINATED: "5",
}

#: ActivityDateType: 1 Planned start, 2 Actual start, 3 Planned end, 4 Actual end.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

#: Sector vocabulary 1: OECD DAC CRS purpose codes (5 digits). One ministry sector -> one DAC code.
DAC_OF_SECTOR = {
    "rural-water-supply": "14031",  # Basic drinking water supply
    "rural-sanitation": "14032",  # Basic sanitation
    "rural-roads": "21020",  # Road transport
    "community-development": "43040",  # Rural development
    "rural-economy": "43040",  # Rural development
    "ethnic-minorities": "15160",  # Human rights (incl. indigenous peoples' rights)
    "early-childhood": "11240",  # Early childhood education
}
#: A sector the table does not know (added in the admin later) is exported as rural development.
DAC_FALLBACK = "43040"

#: Import: DAC purpose codes NGOs use, to the ministry's sector they propose. Codes not listed are
#: matched by their first three digits (the DAC category), else shown as not matched.
SECTOR_OF_DAC = {
    "14030": "rural-water-supply", "14031": "rural-water-supply", "14021": "rural-water-supply",
    "14022": "rural-sanitation", "14032": "rural-sanitation", "12261": "rural-sanitation",
    "21020": "rural-roads", "21010": "rural-roads",
    "43040": "community-development", "43041": "community-development", "43042": "community-development",
    "31120": "rural-economy", "31161": "rural-economy", "32130": "rural-economy", "25010": "rural-economy",
    "15160": "ethnic-minorities",
    "11240": "early-childhood", "12240": "early-childhood",
}
SECTOR_OF_DAC_CATEGORY = {"140": "rural-water-supply", "210": "rural-roads", "430": "community-development",
                          "311": "rural-economy", "112": "early-childhood"}

#: GeographicVocabulary A4... no: sub-national locations use ISO 3166-2 codes, e.g. KH-17 for Siem Reap.
COUNTRY = "KH"


def province_location_code(province_code: str) -> str:
    """ISO 3166-2:KH of a province: the national code without its leading zero (02 -> KH-2, 17 -> KH-17)."""
    return f"{COUNTRY}-{int(province_code)}"


def province_code_of(location_code: str) -> str | None:
    """The national province code of `KH-17`, `KH-2` (or `17`); None when it is not one."""
    text = location_code.strip().upper().removeprefix(f"{COUNTRY}-")
    if not text.isdigit() or not 1 <= int(text) <= 25:
        return None
    return f"{int(text):02d}"
