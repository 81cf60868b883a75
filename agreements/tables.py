"""Tables of the NGO and agreement lists (django-tables2): what the page shows and what the exports hold.

`render_*` is the cell on the page (Khmer digits and dates in Khmer), `value_*` the cell in CSV/XLSX
exports (plain dates and numbers a spreadsheet can sort and add up).
"""
import weakref

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

import django_tables2 as tables
from agreements import rules
from agreements.models import NGO, Agreement, ngo_name_ordering
from django_tables2 import utils as tables_utils
from django_tables2.utils import A
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


def link(url: str, content) -> str:
    """A cell's link (what django-tables2's `linkify` writes, without its per-cell machinery: half a cell's time)."""
    return format_html('<a href="{}">{}</a>', url, content)


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


def names_of(model, back: str) -> ArraySubquery:
    """The names of the `model` rows linked to each row (`back`: their lookup to it), in the page's language.

    In `model`'s order, the other language's name where one is missing (as `BilingualName.name`). One
    array in each row of the list's own query: the page's rows need no prefetch query per relation.
    """
    first, second = ("name_en", "name_km") if get_language() == "en" else ("name_km", "name_en")
    name = Coalesce(NullIf(first, Value("")), second)
    return ArraySubquery(model.objects.filter(**{back: OuterRef("pk")}).annotate(shown=name).values("shown"))


class NamesColumn(tables.Column):
    """Provinces or sectors: a `names_of` annotation, written as one comma-separated cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, orderable=False, empty_values=(None, "", []), **kwargs)

    def render(self, value):
        return ", ".join(value)

    def value(self, value):
        return ", ".join(value)


class LeanRowsMixin:
    """Writes the rows of the page shown in one pass of Python, each cell as django-tables2 would.

    django-tables2 works out everything about a cell anew for each cell (`BoundRow.get_cell`): the
    accessor and its model field, whether the field has choices, the arguments the render function
    takes, the `<td>` attributes; and its template loop adds a variable lookup, an escape and a
    context push per cell. For our columns (no links through `linkify`, no many-to-many columns,
    attributes that depend on the column only) all of that depends on the column alone, so it is
    worked out once per column (`_cell_writer`) and each cell only reads its value and calls the
    render function. A column outside those cases is written by django-tables2 itself. The cells
    are the same HTML as django-tables2's: tests/agreements/test_tables.py compares them.
    """

    def rows_html(self) -> str:
        # Each cell says its column's name (`data-label`): phones show the rows stacked, a label per cell.
        columns = [
            (format_html('{} data-label="{}"', column.attrs["td"].as_html(), column.header), self._cell_writer(column))
            for column in self.columns
        ]
        return format_html_join("", "<tr>{}</tr>", (
            (format_html_join("", "<td {}>{}</td>", ((attrs, write(row)) for attrs, write in columns)),)
            for row in self.paginated_rows
        ))

    def _cell_writer(self, bound_column):
        """`BoundRow -> cell content`, as `BoundRow.get_cell(name)`, with what depends on the column worked out once."""
        column, name = bound_column.column, bound_column.name
        model = getattr(self.data, "model", None)
        wanted, takes_all = tables_utils.signature(bound_column.render)
        if bound_column.link or isinstance(column, tables.ManyToManyColumn) or takes_all or model is None:
            return lambda row: row.get_cell(name)
        accessor = bound_column.accessor
        path, remainder = accessor.rpartition(accessor.SEPARATOR)[::2]
        field = accessor.get_field(model)
        display = f"get_{remainder}_display" if getattr(field, "choices", None) else None
        render, empty, default = bound_column.render, column.empty_values, bound_column.default
        everything = {"column": column, "bound_column": bound_column, "table": self}

        def write(row):
            record = row.record
            value = None
            if display:  # a field with choices shows its label, as django-tables2 does
                owner = A(path).resolve(record, quiet=True) if path else record
                value = getattr(owner, display)() if owner is not None else None
            else:
                try:
                    value = accessor.resolve(record)
                except Exception:  # noqa: BLE001 (django-tables2 shows the column's default for a value it cannot reach)
                    value = None
            if value in empty:
                return default
            given = {**everything, "value": value, "record": record, "bound_row": row}
            return render(**{argument: given[argument] for argument in wanted})

        return write


class RegistryTable(LeanRowsMixin, tables.Table):
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
    reference_number = tables.Column(verbose_name=_("reference number"), attrs=NOWRAP)
    ngo = tables.Column(verbose_name=_("NGO"))
    status = tables.Column(verbose_name=_("status"))
    signed_on = DateColumn(verbose_name=_("signing date"))
    valid_from = DateColumn(verbose_name=_("valid from"))
    valid_to = DateColumn(verbose_name=_("valid to"))
    days_left = NumberColumn(verbose_name=_("days left"), accessor="valid_to", order_by=("valid_to",))
    provinces = NamesColumn(verbose_name=_("provinces"), accessor="province_names")
    sectors = NamesColumn(verbose_name=_("sectors"), accessor="sector_names")
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

    def render_reference_number(self, value, record):
        return link(record.get_absolute_url(), value)

    def value_reference_number(self, value):
        return value

    def render_ngo(self, record):
        ngo = record.ngo
        name = format_html("{} <span class=\"text-muted\">{}</span>", ngo.name, ngo.acronym) if ngo.acronym else ngo.name
        return link(ngo.get_absolute_url(), name)

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
        if record.status not in rules.RUNNING_STATUSES:
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
        if record.open_flag_note is None:
            return "–"
        return format_html('<span class="badge flag-badge" title="{}">{}</span>', record.open_flag_note, _("Flagged"))

    def value_flag(self, record):
        return record.open_flag_note or ""


class NGOTable(RegistryTable):
    name = tables.Column(verbose_name=_("name"), accessor="pk", exclude_from_export=True)
    # Both names in the exports, never on the page (the name column shows both).
    name_km = tables.Column(verbose_name=_("name (Khmer)"), visible=False)
    name_en = tables.Column(verbose_name=_("name (English)"), visible=False)
    acronym = tables.Column(verbose_name=_("acronym"))
    kind = tables.Column(verbose_name=_("type"))
    sectors = NamesColumn(verbose_name=_("sectors"), accessor="sector_names")
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
            return link(record.get_absolute_url(), format_html('{}<br><span class="text-muted small">{}</span>', first, second))
        return link(record.get_absolute_url(), first or second)

    def order_name(self, queryset, is_descending):
        fields = ngo_name_ordering()
        return queryset.order_by(*(f"-{field}" if is_descending else field for field in fields)), True

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
