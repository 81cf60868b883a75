"""Tables of the NGO and agreement lists (django-tables2): what the page shows and what the exports hold.

`render_*` is the cell on the page (Khmer digits and dates in Khmer), `value_*` the cell in CSV/XLSX
exports (plain dates and numbers a spreadsheet can sort and add up).
"""
import weakref

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

import django_tables2 as tables
from agreements.models import NGO, Agreement, ngo_name_ordering
from django_tables2 import utils as tables_utils
from mrd_ngo.khmer import format_date, format_number

# django-tables2 reads the signature of a column's render function (`inspect.signature`) for every
# cell it renders, to pass only the arguments the function takes: about a tenth of a list page's
# CPU time. A function's signature never changes, so it is read once per function (weakly held:
# a function made on the fly is not kept alive by this).
_signatures = {True: weakref.WeakKeyDictionary(), False: weakref.WeakKeyDictionary()}
_signature_each_time = tables_utils.signature


def _signature_once(fn):
    """django-tables2's `signature(fn)`, read once per function (bound methods: once per method)."""
    function = getattr(fn, "__func__", None)
    known = _signatures[function is not None]
    function = function or fn
    try:
        return known[function]
    except KeyError:
        known[function] = found = _signature_each_time(fn)
        return found
    except TypeError:  # not weakly referenceable (a callable object, a builtin): read it each time
        return _signature_each_time(fn)


tables_utils.signature = _signature_once  # `call_with_appropriate` looks it up in its module at each call


def _name_field(prefix: str = "") -> str:
    """The name column to sort on: the Khmer name on Khmer pages, the English one otherwise."""
    return f"{prefix}name_km" if get_language() == "km" else f"{prefix}name_en"


NOWRAP = {"td": {"class": "text-nowrap"}}


class DateColumn(tables.Column):
    """A date written the Khmer way on Khmer pages; a real date in exports."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NOWRAP)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_date(value, get_language())

    def value(self, value):
        return value


class NumberColumn(tables.Column):
    """A number with grouping (Khmer digits on Khmer pages); the number itself in exports."""

    def __init__(self, *args, decimals: int = 0, **kwargs):
        self.decimals = decimals
        attrs = kwargs.pop("attrs", {"td": {"class": "text-end num"}, "th": {"class": "text-end"}})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return format_number(value, get_language(), self.decimals)

    def value(self, value):
        return value


class NamesColumn(tables.ManyToManyColumn):
    """Provinces or sectors, from the prefetched rows (no query per row)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, orderable=False, **kwargs)

    def value(self, value):
        return ", ".join(str(item) for item in value.all())


class CellAttrsOnceMixin:
    """Works out each column's `<td>` attributes once per table instead of once per cell.

    django-tables2's templates ask `column.attrs.td` for every cell, which builds the attributes
    anew each time: a tenth of a list page's time. Our cell attributes depend on the column only
    (no callables), so `agreements/table.html` writes the ones worked out here.
    """

    def before_render(self, request):
        super().before_render(request)
        for column in self.columns:
            column.td_attrs_html = column.attrs["td"].as_html()


class RegistryTable(CellAttrsOnceMixin, tables.Table):
    """A list whose columns a person chooses: `always` columns stay, the others are optional."""

    always: tuple[str, ...] = ()
    default_columns: tuple[str, ...] = ()

    class Meta:
        template_name = "agreements/table.html"
        attrs = {"class": "table table-sm table-striped table-hover registry-table"}
        empty_text = _("Nothing matches these filters.")
        default = "–"

    @classmethod
    def optional_columns(cls) -> list[tuple[str, str]]:
        """(name, header) of the columns a person may hide or show."""
        return [
            (name, column.verbose_name) for name, column in cls.base_columns.items()
            if name not in cls.always and column.visible
        ]


class AgreementTable(RegistryTable):
    reference_number = tables.Column(verbose_name=_("reference number"), linkify=True, attrs=NOWRAP)
    ngo = tables.Column(verbose_name=_("NGO"), linkify=lambda record: record.ngo.get_absolute_url())
    status = tables.Column(verbose_name=_("status"))
    signed_on = DateColumn(verbose_name=_("signing date"))
    valid_from = DateColumn(verbose_name=_("valid from"))
    valid_to = DateColumn(verbose_name=_("valid to"))
    days_left = NumberColumn(verbose_name=_("days left"), accessor="valid_to", order_by=("valid_to",))
    provinces = NamesColumn(verbose_name=_("provinces"))
    sectors = NamesColumn(verbose_name=_("sectors"))
    department = tables.Column(verbose_name=_("MRD department"))
    mrd_focal_person = tables.Column(verbose_name=_("ministry focal person"))
    ngo_focal_person = tables.Column(verbose_name=_("NGO focal person"))
    planned_budget_usd = NumberColumn(verbose_name=_("planned budget (USD)"))
    flag = tables.Column(verbose_name=_("flag"), accessor="pk", orderable=False, empty_values=())

    always = ("reference_number", "ngo")
    default_columns = ("status", "valid_from", "valid_to", "provinces", "sectors", "flag")

    class Meta(RegistryTable.Meta):
        model = Agreement
        fields = ()
        order_by = ("ngo",)  # an NGO's agreements together, oldest first

    def render_ngo(self, record):
        ngo = record.ngo
        return format_html("{} <span class=\"text-muted\">{}</span>", ngo.name, ngo.acronym) if ngo.acronym else ngo.name

    def value_ngo(self, record):
        return record.ngo.name

    def order_ngo(self, queryset, is_descending):
        fields = ngo_name_ordering("ngo__")
        return queryset.order_by(*(f"-{field}" if is_descending else field for field in fields), "valid_from"), True

    def render_status(self, record):
        status = record.status
        return format_html('<span class="badge status-{}">{}</span>', status.value, status.label)

    def value_status(self, record):
        return str(record.status.label)

    def render_days_left(self, record):
        if record.status.value not in ("active", "expiring"):
            return "–"  # only agreements running today have days left
        return format_number((record.valid_to - timezone.localdate()).days, get_language())

    def value_days_left(self, record):
        return (record.valid_to - timezone.localdate()).days

    def render_department(self, value):
        return value.name

    def value_department(self, value):
        return value.name

    def order_department(self, queryset, is_descending):
        field = _name_field("department__")
        return queryset.order_by(f"-{field}" if is_descending else field), True

    def render_flag(self, record):
        flags = getattr(record, "open_flags", [])
        if not flags:
            return "–"
        return format_html('<span class="badge flag-badge" title="{}">{}</span>', flags[0].note, _("Flagged"))

    def value_flag(self, record):
        flags = getattr(record, "open_flags", [])
        return flags[0].note if flags else ""


class NGOTable(RegistryTable):
    name = tables.Column(verbose_name=_("name"), accessor="pk", linkify=lambda record: record.get_absolute_url(),
                         exclude_from_export=True)
    # Both names in the exports, never on the page (the name column shows both).
    name_km = tables.Column(verbose_name=_("name (Khmer)"), visible=False)
    name_en = tables.Column(verbose_name=_("name (English)"), visible=False)
    acronym = tables.Column(verbose_name=_("acronym"))
    kind = tables.Column(verbose_name=_("type"))
    sectors = NamesColumn(verbose_name=_("sectors"))
    agreement_count = NumberColumn(verbose_name=_("agreements"))
    last_valid_to = DateColumn(verbose_name=_("latest agreement ends"))
    contact_person = tables.Column(verbose_name=_("contact person"))
    phone = tables.Column(verbose_name=_("phone"))
    email = tables.EmailColumn(verbose_name=_("e-mail"))
    registration_number = tables.Column(verbose_name=_("registration number"))
    is_active = tables.BooleanColumn(verbose_name=_("active"))

    always = ("name",)
    default_columns = ("acronym", "kind", "sectors", "agreement_count", "last_valid_to")

    class Meta(RegistryTable.Meta):
        model = NGO
        fields = ()
        order_by = ("name",)

    def render_name(self, record):
        first, second = (record.name_km, record.name_en) if get_language() == "km" else (record.name_en, record.name_km)
        if first and second:
            return format_html('{}<br><span class="text-muted small">{}</span>', first, second)
        return first or second

    def order_name(self, queryset, is_descending):
        fields = ngo_name_ordering()
        return queryset.order_by(*(f"-{field}" if is_descending else field for field in fields)), True

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def value_is_active(self, value):
        return str(_("Yes") if value else _("No"))


class ExpiringBoardTable(tables.Table):
    """The expiring board as a spreadsheet: every agreement of every group (or of one), its group named."""

    group = tables.Column(verbose_name=_("group"), accessor="board_group_label", orderable=False)
    ngo = tables.Column(verbose_name=_("NGO"), accessor="ngo__name", orderable=False)
    acronym = tables.Column(verbose_name=_("acronym"), accessor="ngo__acronym", orderable=False)
    reference_number = tables.Column(verbose_name=_("reference number"), orderable=False)
    valid_to = tables.Column(verbose_name=_("valid to"), orderable=False)
    days_to_end = tables.Column(verbose_name=_("days left"), orderable=False)
    department = tables.Column(verbose_name=_("MRD department"), accessor="department__name", orderable=False)
    mrd_focal_person = tables.Column(verbose_name=_("ministry focal person"), orderable=False)
    mrd_focal_email = tables.Column(verbose_name=_("ministry focal person e-mail"), orderable=False)
    ngo_focal_person = tables.Column(verbose_name=_("NGO focal person"), orderable=False)
    ngo_focal_email = tables.Column(verbose_name=_("NGO focal person e-mail"), orderable=False)
    flag = tables.Column(verbose_name=_("flag"), accessor="open_flag_note", orderable=False, default="")
