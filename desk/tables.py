"""Tables of the management pages (django-tables2); `value_*` are the cells of their CSV/XLSX exports."""
import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.models import CoverageRate, Village
from agreements.tables import DateColumn, LeanRowsMixin, NumberColumn
from mrd_ngo.khmer import khmer_digits, semester_label
from mrd_ngo.roles import PRECEDENCE, Role
from reports.models import ReportingPeriod


class StackedOnPhonesMixin(LeanRowsMixin):
    """A `stack-table`: on a phone its rows become blocks, one line per cell labelled with its column
    (`data-label`, written by agreements/table.html), instead of a table scrolling sideways."""


class SemesterTable(StackedOnPhonesMixin, tables.Table):
    semester = tables.Column(verbose_name=_("Semester"), empty_values=(), order_by=("year", "half"),
                             linkify=("desk:semester_edit", {"period": tables.A("code")}))
    code = tables.Column(verbose_name=_("code"), empty_values=(), orderable=False)
    due_date = DateColumn(verbose_name=_("due date"))
    is_locked = tables.BooleanColumn(verbose_name=_("locked"))

    class Meta:
        model = ReportingPeriod
        fields = ("semester", "code", "due_date", "is_locked")
        attrs = {"class": "table table-sm table-striped table-hover align-middle stack-table"}
        order_by = ("-semester",)
        empty_text = _("No semester matches these filters.")
        template_name = "agreements/table.html"

    def render_semester(self, record):
        return semester_label(record.year, record.half, get_language())

    def value_semester(self, record):
        return semester_label(record.year, record.half, get_language())

    def render_code(self, record):
        return record.code

    def value_due_date(self, value):
        return value


class UserTable(StackedOnPhonesMixin, tables.Table):
    username = tables.Column(verbose_name=_("user name"), linkify=("desk:user_edit", {"pk": tables.A("pk")}))
    full_name = tables.Column(verbose_name=_("name"), empty_values=(), order_by=("last_name", "first_name"))
    email = tables.Column(verbose_name=_("e-mail"))
    role = tables.Column(verbose_name=_("role"), empty_values=(), orderable=False)
    department = tables.Column(verbose_name=_("department"), accessor="staff_profile__department", orderable=False)
    province = tables.Column(verbose_name=_("province"), accessor="staff_profile__province", orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("active"))

    class Meta:
        model = get_user_model()
        fields = ("username", "full_name", "email", "role", "department", "province", "is_active")
        attrs = {"class": "table table-sm table-striped table-hover align-middle stack-table"}
        order_by = ("username",)
        empty_text = _("No user matches these filters.")
        template_name = "agreements/table.html"

    def render_full_name(self, record):
        return record.get_full_name() or "–"

    def value_full_name(self, record):
        return record.get_full_name()

    def render_role(self, record):
        role = account_role(record)
        return role.label if role else "–"

    def value_role(self, record):
        return self.render_role(record)


def code_digits(text: str) -> str:
    """A code written with Khmer digits on Khmer pages."""
    return khmer_digits(text) if text and get_language() == "km" else text


class VillageTable(StackedOnPhonesMixin, tables.Table):
    """The gazetteer's villages with their model-village status; the name opens the village's page."""

    name = tables.Column(verbose_name=_("village"), empty_values=(), order_by=("name_km",),
                         linkify=("desk:village_edit", {"pk": tables.A("pk")}))
    code = tables.Column(verbose_name=_("code"))
    commune = tables.Column(verbose_name=_("commune"), empty_values=(), order_by=("commune__code",))
    district = tables.Column(verbose_name=_("district"), accessor="commune__district", empty_values=(),
                             order_by=("commune__district__code",))
    province = tables.Column(verbose_name=_("province"), order_by=("province__code",))
    is_model_village = tables.BooleanColumn(verbose_name=_("model village"))
    retired_on = DateColumn(verbose_name=_("retired on"))

    class Meta:
        model = Village
        fields = ("name", "code", "commune", "district", "province", "is_model_village", "retired_on")
        attrs = {"class": "table table-sm table-striped table-hover align-middle stack-table"}
        empty_text = _("No village matches these filters.")
        template_name = "agreements/table.html"

    def render_name(self, record):
        return record.name

    def value_name(self, record):
        return record.name

    def render_code(self, value):
        return code_digits(value)

    def value_code(self, value):
        return value

    def render_commune(self, record):
        return record.commune.name if record.commune_id else "–"

    def value_commune(self, record):
        return record.commune.name if record.commune_id else ""

    def render_district(self, record):
        return record.commune.district.name if record.commune_id else "–"

    def value_district(self, record):
        return record.commune.district.name if record.commune_id else ""


class CoverageRateTable(StackedOnPhonesMixin, tables.Table):
    """Each province's rural water-supply and sanitation coverage by year; the province opens the row to edit."""

    province = tables.Column(verbose_name=_("province"), order_by=("province__code",),
                             linkify=("desk:coverage_edit", {"pk": tables.A("pk")}))
    year = tables.Column(verbose_name=_("year"))
    water_supply_pct = NumberColumn(verbose_name=_("rural water supply coverage (%)"), decimals=1)
    sanitation_pct = NumberColumn(verbose_name=_("rural sanitation coverage (%)"), decimals=1)
    is_demonstration = tables.BooleanColumn(verbose_name=_("demonstration figure"))
    source = tables.Column(verbose_name=_("source"))

    class Meta:
        model = CoverageRate
        fields = ("province", "year", "water_supply_pct", "sanitation_pct", "is_demonstration", "source")
        attrs = {"class": "table table-sm table-striped table-hover align-middle stack-table"}
        order_by = ("-year", "province")
        empty_text = _("No coverage rate matches these filters.")
        template_name = "agreements/table.html"

    def render_year(self, value):
        return code_digits(str(value))

    def value_year(self, value):
        return value


def account_role(user) -> Role | None:
    """The role an account holds, active or not (`user_role` says None for a deactivated one: no access);
    reads the prefetched groups, so a list of users costs no query per row."""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {group.name for group in user.groups.all()}
    return next((role for role in PRECEDENCE if role.value in names), None)
