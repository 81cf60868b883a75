"""Names sort in Khmer dictionary order (ICU's Khmer collation) on Khmer pages, by English name on English pages.

ឫ (ry) follows រ in a Khmer dictionary, before ស, although its code point comes after ស's: code point
order (what PostgreSQL's own comparison would give here) puts ស first.
"""
import datetime

import pytest

from agreements.models import NGO
from mrd_ngo.khmer import name_sort_key
from tests.factories import AgreementFactory, NGOFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

ROOTS = ("ឫស្សីអភិវឌ្ឍន៍", "Zeta Bamboo Development")  # Khmer first, English last
SOCIAL = ("សង្គមជនបទ", "Alpha Rural Society")  # Khmer second (code points: first), English first
KHMER_ORDER = ["ឫស្សីអភិវឌ្ឍន៍", "សង្គមជនបទ"]
ENGLISH_ORDER = ["Alpha Rural Society", "Zeta Bamboo Development"]


@pytest.fixture
def two(siem_reap):
    assert sorted([ROOTS[0], SOCIAL[0]]) == [SOCIAL[0], ROOTS[0]]  # code point order is the wrong one
    return [AgreementFactory(provinces=[siem_reap], ngo=NGOFactory(name_km=km, name_en=en), valid_from=datetime.date(2023, 1, 1),
                             valid_to=datetime.date(2030, 12, 31)) for km, en in (SOCIAL, ROOTS)]


def test_the_queryset_orders_by_khmer_collation_in_khmer_and_english_names_in_english(two):
    assert [n.name_km for n in NGO.objects.in_name_order("km")] == KHMER_ORDER
    assert [n.name_en for n in NGO.objects.in_name_order("en")] == ENGLISH_ORDER
    assert sorted([SOCIAL, ROOTS], key=lambda names: name_sort_key(*names, lang="km")) == [ROOTS, SOCIAL]


def test_renaming_an_ngo_moves_it_in_khmer_order(two):
    social = NGO.objects.get(name_en=SOCIAL[1])
    social.name_km = "កសិករសង្គម"  # ក comes first
    social.save()
    assert [n.name_en for n in NGO.objects.in_name_order("km")] == [SOCIAL[1], ROOTS[1]]


@pytest.mark.parametrize("lang, expected", [("km", KHMER_ORDER), ("en", ENGLISH_ORDER)])
def test_ngo_list_choices_and_completeness_follow_the_page_language(client, officer_user, two, settings, lang, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    client.force_login(officer_user)
    names = lambda ngos: [n.name_km if lang == "km" else n.name_en for n in ngos]  # noqa: E731
    assert names(row.record for row in client.get("/ngos/?sort=name").context["table"].page.object_list) == expected
    choices = client.get("/reports/").context["filter"].form.fields["ngo"].queryset
    assert names(choices) == expected
    period = ReportingPeriodFactory(year=2024, half=1)
    missing = client.get(f"/reports/{period.code}/completeness/").context["completeness"].missing
    assert names(item.ngo for item in missing) == expected
