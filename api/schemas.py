"""What the API reads and writes (pydantic schemas through django-ninja): these are the OpenAPI schema."""
import datetime
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    """A refusal: `detail` says why, in the language of the request (Khmer unless `Accept-Language: en`... see docs)."""

    detail: str | list


class ProvinceOut(Schema):
    id: int
    code: str = Field(description="National code, 01 to 25 (ISO 3166-2:KH without the leading zero).")
    name_km: str
    name_en: str
    is_capital: bool


class VillageOut(Schema):
    id: int
    name_km: str
    name_en: str
    province: str = Field(description="Province code.")
    district: str
    commune: str
    is_model_village: bool

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.code


class SectorOut(Schema):
    code: str
    name_km: str
    name_en: str


class IndicatorOut(Schema):
    code: str
    name_km: str
    name_en: str
    sector: str
    unit_km: str
    unit_en: str
    disaggregated_by_sex: bool

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.sector.code


class NGOOut(Schema):
    id: int
    name_km: str
    name_en: str
    acronym: str
    kind: str
    registration_number: str
    address: str
    director: str
    contact_person: str
    phone: str
    email: str
    website: str
    is_active: bool
    sectors: list[str] = Field(description="Sector codes.")

    @staticmethod
    def resolve_sectors(obj) -> list[str]:
        return [sector.code for sector in obj.sectors.all()]


class ChainLink(Schema):
    """One agreement of a renewal chain (only those the caller may see)."""

    id: int
    reference_number: str
    valid_from: datetime.date
    valid_to: datetime.date
    status: str


class AgreementOut(Schema):
    id: int
    reference_number: str
    ngo_id: int
    ngo_name_km: str
    ngo_name_en: str
    status: str = Field(description="draft, active, expiring, expired, renewed or terminated (derived from the dates today).")
    signed_on: datetime.date | None
    valid_from: datetime.date
    valid_to: datetime.date
    terminated_on: datetime.date | None
    department: str | None = Field(description="Department code.")
    sectors: list[str]
    provinces: list[str] = Field(description="Province codes.")
    planned_budget_usd: Decimal
    renews_id: int | None = Field(description="The agreement this one renews (null: none, or one you may not see).")
    successor_id: int | None = Field(description="The agreement that renews this one (null: none you may see).")

    @staticmethod
    def resolve_ngo_name_km(obj) -> str:
        return obj.ngo.name_km

    @staticmethod
    def resolve_ngo_name_en(obj) -> str:
        return obj.ngo.name_en

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.code if obj.department else None

    @staticmethod
    def resolve_sectors(obj) -> list[str]:
        return [sector.code for sector in obj.sectors.all()]

    @staticmethod
    def resolve_provinces(obj) -> list[str]:
        return [province.code for province in obj.provinces.all()]

    @staticmethod
    def resolve_renews_id(obj) -> int | None:
        return obj.visible_renews_id

    @staticmethod
    def resolve_successor_id(obj) -> int | None:
        return obj.visible_successor_id


class AgreementDetailOut(AgreementOut):
    chain: list[ChainLink] = Field(description="The renewal chain, oldest first, this agreement included.")


class SemesterOut(Schema):
    code: str = Field(description="e.g. 2024S1 (January to June 2024), 2024S2 (July to December).")
    year: int
    half: int
    start: datetime.date
    end: datetime.date
    due_date: datetime.date
    is_locked: bool


class ValueOut(Schema):
    indicator: str = Field(description="Indicator code.")
    province: str = Field(description="Province code.")
    village_id: int | None
    value: Decimal
    female_value: Decimal | None

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.code


class ReportOut(Schema):
    id: int
    ngo_id: int
    agreement_id: int
    agreement_reference: str
    period: str
    status: str = Field(description="draft, submitted, returned or accepted.")
    version: int = Field(description="Send it back when you change or submit the report (optimistic locking).")
    achievements: str
    challenges: str
    lessons_learned: str
    next_plans: str
    solutions_proposed: str
    challenges_theme: str = Field(description="weather, funding, people, data, coordination, other, or empty.")
    budget_planned_usd: Decimal
    budget_spent_usd: Decimal
    beneficiaries_total: int
    beneficiaries_female: int
    review_comment: str
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    is_late: bool
    values: list[ValueOut] = Field(description="Indicator results (a provincial officer sees their province's only).")

    @staticmethod
    def resolve_agreement_reference(obj) -> str:
        return obj.agreement.reference_number

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.code

    @staticmethod
    def resolve_values(obj) -> list:
        return obj.visible_values


class ValueIn(Schema):
    indicator: str = Field(description="Indicator code (GET /indicators).", max_length=40)
    province: str = Field(description="Province code (GET /provinces).", max_length=2)
    village_id: int | None = Field(None, ge=1, le=9223372036854775807)
    value: Decimal = Field(max_digits=14, decimal_places=2)
    female_value: Decimal | None = Field(None, max_digits=14, decimal_places=2)


class ReportContentIn(Schema):
    """Narrative, figures and results; on a change, what you leave out keeps its saved value."""

    achievements: str | None = Field(None, max_length=20000)
    challenges: str | None = Field(None, max_length=20000)
    lessons_learned: str | None = Field(None, max_length=20000)
    next_plans: str | None = Field(None, max_length=20000)
    solutions_proposed: str | None = Field(None, max_length=20000)
    challenges_theme: str | None = Field(None, max_length=20, description="weather, funding, people, data, coordination, other, or empty.")
    budget_planned_usd: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    budget_spent_usd: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    beneficiaries_total: int | None = Field(None, ge=0, le=2_000_000_000)
    beneficiaries_female: int | None = Field(None, ge=0, le=2_000_000_000)
    values: list[ValueIn] | None = Field(None, max_length=2000, description="All your results (replaces those saved in your scope).")


class ReportCreateIn(ReportContentIn):
    ngo_id: int = Field(ge=1, le=9223372036854775807)
    period: str = Field(description="Semester code, e.g. 2024S1.", max_length=10)


class ReportUpdateIn(ReportContentIn):
    version: int = Field(ge=0, le=2_147_483_647, description="The `version` of the report you started from.")


class ReportSubmitIn(Schema):
    version: int | None = Field(None, ge=0, le=2_147_483_647, description="The `version` you read; refused (409) if it changed since.")


class ChangeOut(Schema):
    label: str
    theirs: str
    yours: str


class ConflictOut(Schema):
    """Someone saved the report after the version you sent: nothing of yours was saved."""

    detail: str
    current_version: int
    changed_by: str | None
    changed_at: datetime.datetime | None
    fields: list[ChangeOut]
    results: list[ChangeOut]


class FigureOut(Schema):
    key: str
    label: str
    value: Decimal | int | None
    previous: Decimal | int | None


class IndicatorResultOut(Schema):
    indicator: str
    sector: str
    total: Decimal
    female: Decimal | None
    ngos: int
    provinces: int
    previous_total: Decimal | None


class ProvinceFiguresOut(Schema):
    province: str
    ngos_active: int
    budget_planned_usd: Decimal
    budget_spent_usd: Decimal
    model_villages_reached: int
    key_results: dict[str, Decimal] = Field(description="Key indicator code -> accepted result in the province.")


class SummaryOut(Schema):
    """The semester summary's figures, built by the same code as the summary page, in the caller's scope."""

    period: str
    previous_period: str | None
    scope: str | None = Field(description="Province code of a provincial summary; null for the national one.")
    headline: dict[str, Decimal | int]
    figures: list[FigureOut]
    indicators: list[IndicatorResultOut]
    provinces: list[ProvinceFiguresOut]
