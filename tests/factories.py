"""factory-boy factories for the main models."""
import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from agreements.models import NGO, Agreement, Department, Indicator, Province, StaffProfile, Village
from reports.models import IndicatorValue, ProgressReport, ReportingPeriod


HEAD_DEPARTMENT = "water-supply"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted.value))

    @factory.post_generation
    def province(self, create, extracted, **kwargs):
        if extracted:
            StaffProfile.objects.update_or_create(user=self, defaults={"province": extracted})

    @factory.post_generation
    def department(self, create, extracted, **kwargs):
        """A department (or its code): a department head reviews the reports of its agreements."""
        if extracted:
            if isinstance(extracted, str):
                extracted = Department.objects.get(code=extracted)
            StaffProfile.objects.update_or_create(user=self, defaults={"department": extracted})
        self.save()


class NGOFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NGO
        skip_postgeneration_save = True

    name_en = factory.Sequence(lambda n: f"Test NGO {n}")
    name_km = factory.Sequence(lambda n: f"អង្គការសាកល្បង {n}")
    acronym = factory.Sequence(lambda n: f"TN{n}")
    email = factory.Sequence(lambda n: f"ngo{n}@example.org")
    contact_person = "Contact Person"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    ngo = factory.SubFactory(NGOFactory)
    reference_number = factory.Sequence(lambda n: f"MRD-TEST-{n:04d}")
    signed_on = datetime.date(2022, 12, 15)
    valid_from = datetime.date(2023, 1, 1)
    valid_to = datetime.date(2025, 12, 31)
    planned_budget_usd = Decimal("100000")
    mrd_focal_email = "focal@mrd.gov.kh"
    ngo_focal_email = "focal@example.org"
    # The department of the `head_user` fixture, who then reviews these agreements' reports.
    department = factory.LazyFunction(lambda: Department.objects.get(code=HEAD_DEPARTMENT))

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if extracted:
            self.provinces.set(extracted)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if extracted:
            self.sectors.set(extracted)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["year", "half"]

    year = 2024
    half = 1
    due_date = factory.LazyAttribute(lambda p: datetime.date(p.year, 7, 31) if p.half == 1 else datetime.date(p.year + 1, 1, 31))


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    agreement = factory.SubFactory(AgreementFactory)
    ngo = factory.SelfAttribute("agreement.ngo")
    period = factory.SubFactory(ReportingPeriodFactory)
    budget_planned_usd = Decimal("20000")
    budget_spent_usd = Decimal("15000")
    beneficiaries_total = 100
    beneficiaries_female = 55


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    province = factory.LazyFunction(lambda: Province.objects.get(code="17"))
    name_km = factory.Sequence(lambda n: f"ភូមិ{n}")
    name_en = factory.Sequence(lambda n: f"Village {n}")
    is_model_village = True


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    report = factory.SubFactory(ProgressReportFactory)
    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="wells"))
    province = factory.LazyFunction(lambda: Province.objects.get(code="17"))
    value = Decimal("10")


# ---- Agreements registry (issue 3) ----------------------------------------------------------------

class AgreementFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.AgreementFlag"

    agreement = factory.SubFactory(AgreementFactory)
    note = "Ask the NGO for the renewal letter"
    follow_up_by = factory.SubFactory(UserFactory)
    flagged_by = factory.SelfAttribute("follow_up_by")


# ---- Semester summary (issue 5) -------------------------------------------------------------------

def _meeting_for(period, held_on):
    from reports.models import Meeting

    period = period or ReportingPeriodFactory()
    return Meeting.objects.filter(period=period, held_on=held_on).first() or MeetingFactory(period=period, held_on=held_on)


class RecommendationNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.RecommendationNote"

    recommendation = factory.SubFactory("tests.factories.MeetingRecommendationFactory")
    noted_on = datetime.date(2024, 9, 1)
    text = factory.Sequence(lambda n: f"Progress {n}")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Lesson"

    report = factory.SubFactory("tests.factories.ProgressReportFactory", status="accepted")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    text = "Water committees that collect a small fee keep their wells working."
    theme = "maintenance"


class CoverageRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.CoverageRate"

    province = factory.LazyFunction(lambda: Province.objects.get(code="17"))
    year = 2024
    water_supply_pct = Decimal("70.0")
    sanitation_pct = Decimal("75.0")
    source = "Test figures"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Meeting"

    period = factory.SubFactory(ReportingPeriodFactory)
    held_on = datetime.date(2024, 7, 17)
    place_km = "ក្រសួងអភិវឌ្ឍន៍ជនបទ"
    place_en = "Ministry of Rural Development"
    mode = "both"


class MeetingRecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation; `period` (and `meeting_date`) put it in the one meeting of that semester and day."""

    class Meta:
        model = "reports.MeetingRecommendation"

    class Params:
        period = None
        meeting_date = datetime.date(2024, 7, 17)

    meeting = factory.LazyAttribute(lambda o: _meeting_for(o.period, o.meeting_date))
    deadline = datetime.date(2024, 12, 31)
    number = factory.Sequence(lambda n: n + 1)
    text_km = factory.Sequence(lambda n: f"អនុសាសន៍សាកល្បង {n}")
    text_en = factory.Sequence(lambda n: f"Test recommendation {n}")
