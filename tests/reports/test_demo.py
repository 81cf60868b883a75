"""The demo dataset: the story of the July 2024 meeting, made through the app's services, loaded only once."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement, Province, Village
from reports.choices import RecommendationStatus, ReportStatus
from reports.demo import load_demo
from reports.models import IndicatorValue, MeetingRecommendation, ProgressReport, ReportingPeriod

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def table_counts():
    return {model.__name__: model.objects.count() for model in (NGO, Agreement, ProgressReport, IndicatorValue, Village)}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (it takes a while: every row goes through the services), rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", "--date", TODAY.isoformat(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(loaded, db):
    return loaded


def test_load_demo_twice_creates_nothing_the_second_time(demo):
    first = table_counts()
    assert first["NGO"] == 66
    assert "admin" in demo and "mrd-demo-2024" in demo
    call_command("load_demo", "--date", TODAY.isoformat(), stdout=io.StringIO())
    assert table_counts() == first
    assert ReportingPeriod.objects.get_by_code("2023S2").is_locked


def test_demo_holds_every_state_the_app_deals_with(demo):
    statuses = set(Agreement.objects.with_status(TODAY).values_list("status", flat=True))
    assert statuses == set(AgreementStatus.values)
    for days in (30, 60, 90):
        assert Agreement.objects.expiring_within(days, today=TODAY).exists()
    assert Agreement.objects.filter(renews__renews__isnull=False).exists(), "a renewal chain of three"
    current = ReportingPeriod.objects.get_by_code("2024S2")
    assert set(ProgressReport.objects.filter(period=current).values_list("status", flat=True)) == set(ReportStatus.values)
    resubmitted = ProgressReport.objects.filter(period=current, status=ReportStatus.SUBMITTED, returned_at__isnull=False)
    assert resubmitted.exists(), "a report returned, then submitted again"
    assert any(report.is_late for report in ProgressReport.objects.select_related("period").filter(period=current))
    codes = set(ReportingPeriod.objects.values_list("year", "half"))
    assert {(2023, 2), (2024, 1), (2024, 2)} <= codes
    assert ReportingPeriod.objects.get_by_code("2023S2").is_locked
    assert IndicatorValue.objects.values("province").distinct().count() == Province.objects.count() == 25
    assert Village.objects.filter(is_model_village=True).count() == 50
    # The whole official gazetteer is there, and the model villages are real villages of it, two per province.
    assert Village.objects.exclude(gazetteer_key="").count() == Village.objects.count() == 14576
    models = Village.objects.filter(is_model_village=True).select_related("commune__district")
    assert all(v.code and v.commune.district.province_id == v.province_id for v in models)
    assert set(models.order_by().values("province").annotate(n=Count("pk")).values_list("n", flat=True)) == {2}
    assert IndicatorValue.objects.filter(village__is_model_village=True).exists()
    assert set(NGO.objects.values_list("kind", flat=True)) == {"local", "international"}
    assert not NGO.objects.filter(name_km="").exists()


def test_demo_obeys_the_rules_the_app_enforces_on_user_input(demo):
    # One report per NGO and semester, filed under the agreement in force at the semester's end.
    assert not ProgressReport.objects.values("ngo", "period").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for report in ProgressReport.objects.select_related("agreement", "period"):
        in_force = Agreement.objects.in_force_during(report.period.start, report.period.end).filter(ngo=report.ngo_id)
        assert report.agreement == in_force.order_by("-valid_from").first(), report
        # Workflow dates in order, and no later than they could be.
        steps = [report.submitted_at, report.returned_at, report.accepted_at]
        assert [s for s in steps if s] == sorted(s for s in steps if s), report
        if report.status == ReportStatus.DRAFT:
            assert report.submitted_at is None
    # Every agreement signed before it starts, and no renewal signed in the future.
    for agreement in Agreement.objects.filter(signed_on__isnull=False):
        assert agreement.signed_on <= agreement.valid_from and agreement.signed_on <= TODAY, agreement


def test_demo_tells_the_story_of_the_july_2024_meeting(demo):
    end_2024 = datetime.date(2024, 12, 31)
    ended_in_2024 = Agreement.objects.filter(signed_on__isnull=False, valid_to__range=(datetime.date(2024, 1, 1), end_2024))
    assert ended_in_2024.filter(successor__signed_on__isnull=False).exists(), "expired and renewed"
    assert ended_in_2024.filter(successor__isnull=True).exists(), "expired without renewal (recommendation 5)"
    mid_semester = Agreement.objects.filter(renews__isnull=False, valid_from__range=(datetime.date(2024, 1, 2), datetime.date(2024, 6, 30)))
    assert mid_semester.exists(), "a renewal inside 2024S1"
    # No agreement pinned to the loading day runs for a decade.
    assert Agreement.objects.filter(valid_to__gt=datetime.date(2030, 12, 31)).count() == 0
    recommendations = MeetingRecommendation.objects.filter(meeting__period__year=2024, meeting__period__half=1)
    assert recommendations.count() == 6
    assert set(recommendations.values_list("meeting__held_on", flat=True)) == {datetime.date(2024, 7, 17)}
    assert {r.status for r in recommendations} <= set(RecommendationStatus.values)
    # Each has an owner and a deadline, and was followed up in 2024S2 (notes dated then, saying so).
    for recommendation in recommendations:
        assert recommendation.owner is not None and recommendation.deadline is not None
        notes = list(recommendation.notes.all())
        assert notes and all(datetime.date(2024, 7, 1) <= n.noted_on <= end_2024 and "២០២៤" in n.text for n in notes)
    # Its chair closes the ministry's documents, so the minutes are signed and an edition can be issued.
    from reports.issuing import closing_for

    assert closing_for("km").presenter_name_km == "ឯកឧត្តម ផូ ភារិទ្ធ"
    assert closing_for("en").presenter_title_en == "Secretary of State"


def test_demo_people_and_narratives_read_like_real_ones(demo):
    directors = list(NGO.objects.values_list("director", flat=True))
    assert len(set(directors)) > 50, "directors are varied"
    assert not any(d.startswith(("Director", "Contact")) for d in directors)
    khmer_named = [d for d in directors if any("\u1780" <= ch <= "\u17ff" for ch in d)]
    assert len(khmer_named) > 30 and all(len(d.split()) == 2 for d in khmer_named), "Khmer names: family name, given name"
    achievements = list(ProgressReport.objects.values_list("achievements", flat=True))
    assert len(set(achievements)) == len(achievements), "no two reports say the same"
    for report in ProgressReport.objects.select_related("ngo").filter(ngo__name_en__in=["Asia Village Development Fund",
                                                                                         "Village Sanitation Network"]):
        khmer = any("\u1780" <= ch <= "\u17ff" for ch in report.achievements)
        assert khmer == (report.ngo.name_en == "Village Sanitation Network"), "each NGO writes in its own language"
