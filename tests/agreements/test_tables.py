"""The lists write each cell as django-tables2 would (agreements.tables.LeanRowsMixin), only faster."""
import datetime

import pytest
from django.urls import reverse
from django.utils.html import conditional_escape

from agreements.models import Province, Sector
from reports.choices import ReportStatus
from tests.factories import (
    AgreementFactory, AgreementFlagFactory, NGOFactory, ProgressReportFactory, ReportingPeriodFactory,
)


def rows_written_by_django_tables2(table) -> str:
    """The rows as django-tables2's own `BoundRow.get_cell` writes them, cell by cell."""
    return "".join(
        "<tr>" + "".join(
            f"<td {column.attrs['td'].as_html()}>{conditional_escape(row.get_cell(column.name))}</td>"
            for column in table.columns
        ) + "</tr>"
        for row in table.paginated_rows
    )


@pytest.fixture
def varied_rows(db):
    """Rows with something and nothing in every column: no acronym, no province, a flag, a terminated
    agreement, an NGO without agreement, a draft report never submitted, a late one."""
    ngo = NGOFactory(acronym="", phone="", registration_number="R-1")
    NGOFactory(name_km="")
    water = Sector.objects.order_by("pk").first()
    flagged = AgreementFactory(ngo=ngo, provinces=[Province.objects.get(code="17")], sectors=[water])
    AgreementFlagFactory(agreement=flagged, note="Renewal letter <missing>")
    AgreementFactory(valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2022, 12, 31), signed_on=None,
                     department=None, mrd_focal_person="")
    period = ReportingPeriodFactory(year=2024, half=1)
    ProgressReportFactory(agreement=flagged, ngo=ngo, period=period, status=ReportStatus.DRAFT, submitted_at=None)
    ProgressReportFactory(period=period, status=ReportStatus.SUBMITTED,
                          submitted_at=datetime.datetime(2024, 9, 1, 9, tzinfo=datetime.UTC))


@pytest.mark.parametrize("lang", ["km", "en"])
@pytest.mark.parametrize("url_name", ["agreements:agreement_list", "agreements:ngo_list", "reports:list"])
def test_every_cell_is_what_django_tables2_writes(client_as, admin_user, varied_rows, url_name, lang):
    client = client_as(admin_user, lang=lang)
    table_class = client.get(reverse(url_name)).context["table"].__class__
    every_column = [name for name, _label in getattr(table_class, "optional_columns", list)()]
    response = client.get(reverse(url_name), {"columns": every_column} if every_column else {})
    table = response.context["table"]
    assert len(table.columns) >= 8 and len(table.paginated_rows) >= 2
    lean = table.rows_html()
    assert lean == rows_written_by_django_tables2(table)
    assert lean in response.content.decode()
    assert f">{table.default}</td>" in lean  # an empty cell shows the default
