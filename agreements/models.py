"""NGOs, cooperation agreements (MoUs) and the reference data they use."""
import datetime
import uuid
from pathlib import PurePath

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Value, When
from django.db.models.functions import Least, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements import rules
from agreements.choices import AgreementStatus, NGOKind, NoticeThreshold
from mrd_ngo.access import RestrictedQuerySet
from mrd_ngo.khmer import khmer_collation_key, khmer_digits, normalize_khmer


def search_terms(query: str) -> list[str]:
    """The words of a search box, folded like stored search keys (Khmer spellings, case, digits)."""
    return [term for term in normalize_khmer(query).split(" ") if term]


class BilingualName(models.Model):
    """A thing named in Khmer and English; `name` gives the active language, else the other."""

    name_km = models.CharField(_("name (Khmer)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True
        constraints = []

    @property
    def name(self) -> str:
        """The name in the active language, falling back to the other one."""
        first, second = (self.name_en, self.name_km) if get_language() == "en" else (self.name_km, self.name_en)
        return first or second

    def __str__(self) -> str:
        return self.name


class Province(BilingualName):
    """One of Cambodia's 25 provinces (the capital included), with the national code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    is_capital = models.BooleanField(_("capital"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Sector(BilingualName):
    """A technical area of the ministry (rural water supply, rural roads...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Department(BilingualName):
    """A department of the ministry that follows agreements and whose staff review their reports.

    Two kinds in one table: the ministry's technical departments (no province) and the 25 provincial
    departments of rural development (each with its province, one per province). Agreements name the
    department that follows them; a department head reviews only the reports of those agreements
    (mrd_ngo/access.py).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    province = models.OneToOneField(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="department",
        verbose_name=_("province"), help_text=_("Only for a provincial department of rural development."),
    )

    class Meta:
        # The technical departments first, then the provincial ones in the national order of provinces.
        ordering = [models.F("province__code").asc(nulls_first=True), "code"]
        verbose_name = _("MRD department")
        verbose_name_plural = _("MRD departments")

    @property
    def is_provincial(self) -> bool:
        """A provincial department of rural development (rather than a technical department)."""
        return self.province_id is not None


class Indicator(BilingualName):
    """A result NGOs report on each semester (wells built, people trained...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("sector"))
    unit_km = models.CharField(_("unit (Khmer)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    disaggregated_by_sex = models.BooleanField(_("disaggregated by sex"), default=False)
    is_key = models.BooleanField(_("key indicator"), default=False, help_text=_("Shown in the by-province table of the summary."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sector__order", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    @property
    def unit(self) -> str:
        """The unit in the active language, falling back to the other one."""
        first, second = (self.unit_en, self.unit_km) if get_language() == "en" else (self.unit_km, self.unit_en)
        return first or second


class GazetteerUnit(BilingualName):
    """A unit of the official gazetteer (MEF's administrative list, loaded by `load_gazetteer`).

    The code is the key across editions: a later edition that renames a unit renames it here, and a
    unit missing from a later edition is kept and marked retired (`retired_on`), never deleted.
    """

    retired_on = models.DateField(_("retired on"), null=True, blank=True,
                                  help_text=_("The day a gazetteer edition without this unit was loaded."))

    class Meta:
        abstract = True


class District(GazetteerUnit):
    """A district (ស្រុក), municipality (ក្រុង) or Phnom Penh khan (ខណ្ឌ) of the gazetteer."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Commune(GazetteerUnit):
    """A commune (ឃុំ) or sangkat (សង្កាត់) of the gazetteer."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="communes", verbose_name=_("district"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class VillageQuerySet(RestrictedQuerySet):
    def in_province(self, province_id: int) -> Q:
        return Q(province_id=province_id)

    def for_agreement(self, agreement: "Agreement"):
        """Villages a result of a report under `agreement` may name: those in the agreement's provinces
        (after `visible_to(user)`: the report form's search, its check, and the spreadsheet import)."""
        return self.filter(province__in=agreement.provinces.all())

    def in_use(self):
        """Villages one may choose for new results: not retired by a later gazetteer edition."""
        return self.filter(retired_on__isnull=True)

    def search(self, query: str):
        """Villages whose name (Khmer or Latin) or code contains every word of `query`, folded like the names."""
        condition = Q()
        for term in search_terms(query):
            condition &= Q(search_text__contains=term)
        return self.filter(condition) if condition else self.none()

    def first_matches(self, query: str, limit: int) -> list:
        """At most `limit` villages matching `query`, best first: those whose Khmer or Latin name or code starts
        with it (found through the prefix indexes alone), then the others (a scan of the folded names, only
        when fewer than `limit` start with it); by name in the active language within each, commune,
        district and province fetched."""
        terms = search_terms(query)
        if not terms or limit <= 0:
            return []
        whole = " ".join(terms)
        order = ("name_en" if get_language() == "en" else "name_km", "code", "pk")
        starts = Q(name_km_key__startswith=whole) | Q(name_en_key__startswith=whole) | Q(code__startswith=whole)
        ids = list(self.filter(starts).order_by(*order).values_list("pk", flat=True)[:limit])
        if len(ids) < limit:
            ids += self.search(query).exclude(starts).order_by(*order).values_list("pk", flat=True)[:limit - len(ids)]
        found = Village.objects.select_related("commune__district", "province").in_bulk(ids)
        return [found[pk] for pk in ids]

    def refresh_search_text(self) -> int:
        """Recompute the folded names (after a bulk `update()` of names, which bypasses `save()`)."""
        villages = list(self.only("pk", "code", "name_km", "name_en"))
        for village in villages:
            village.set_derived_fields()
        return Village.objects.bulk_update(villages, list(Village.DERIVED_FIELDS), batch_size=2000)


# A rename, a retirement or a change of model-village status is recorded with the acting user or command
# (a gazetteer reload carries `command=load_gazetteer`); inserts are not: 14,576 villages arrive at once
# and the row itself says what was inserted. The folded names are derived, so they are left out.
# A change of model-village status is an event of its own ("model_village"): the management page lists them.
@pghistory.track(
    pghistory.UpdateEvent(condition=pghistory.AnyChange("code", "name_km", "name_en", "commune", "province",
                                                        "retired_on")),
    pghistory.UpdateEvent("model_village", condition=pghistory.AnyChange("is_model_village")),
    pghistory.DeleteEvent(),
    exclude=["search_text", "name_km_key", "name_en_key", "gazetteer_key"],
)
class Village(GazetteerUnit):
    """A village of the official gazetteer (or one recorded before it and not yet linked to it);
    model villages are the ministry's flagship.

    `province` is kept beside the commune (the access rule and every by-province figure read it);
    for a gazetteer village it is the commune's province.
    """

    code = models.CharField(_("code"), max_length=8, blank=True, default="",
                            help_text=_("The official village code (8 digits); empty for a village not yet linked to the gazetteer."))
    # What a gazetteer reload matches a village by: its code, unless the edition gives that code to
    # several villages or prints it malformed (80 villages of MEF's 2025 list: 26 codes shared,
    # "0506140-"), then "<commune code>/<folded Khmer name>". Empty: not linked to the gazetteer.
    gazetteer_key = models.CharField(max_length=60, blank=True, default="", editable=False)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="villages", verbose_name=_("province"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="villages",
                                verbose_name=_("commune"))
    is_model_village = models.BooleanField(_("model village"), default=False)
    # The names and code folded by normalize_khmer (one per line), and each name folded: what the
    # search box matches (the keys by prefix, through the indexes below; the text anywhere).
    search_text = models.TextField(editable=False, default="")
    name_km_key = models.CharField(max_length=255, editable=False, default="")
    name_en_key = models.CharField(max_length=255, editable=False, default="")

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["province__code", "name_km"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        # Administrators only (data-entry officers may add and correct villages, not choose the flagships).
        permissions = [("mark_model_village", _("Can mark or unmark a model village"))]
        constraints = [
            models.UniqueConstraint(fields=["gazetteer_key"], condition=~Q(gazetteer_key=""), name="village_gazetteer_key_unique"),
            models.CheckConstraint(condition=Q(gazetteer_key="") | Q(commune__isnull=False), name="village_linked_has_commune"),
        ]
        # Prefix searches (`LIKE 'x%'`) use these whatever the database's collation.
        indexes = [
            models.Index(OpClass("name_km_key", name="varchar_pattern_ops"), name="village_name_km_prefix"),
            models.Index(OpClass("name_en_key", name="varchar_pattern_ops"), name="village_name_en_prefix"),
            models.Index(OpClass("code", name="varchar_pattern_ops"), name="village_code_prefix"),
        ]

    DERIVED_FIELDS = ("search_text", "name_km_key", "name_en_key")

    def set_derived_fields(self) -> None:
        """Recompute the folded names from the names and code (save() does it; the gazetteer load too)."""
        self.name_km_key = normalize_khmer(self.name_km)[:255]
        self.name_en_key = normalize_khmer(self.name_en)[:255]
        self.search_text = "\n".join(value for value in (self.name_km_key, self.name_en_key, self.code) if value)

    @property
    def place(self) -> str:
        """Commune, district and province, in the active language (select_related("commune__district", "province"))."""
        parts = []
        if self.commune_id:  # a commune the list names only by its code shows its code
            code = khmer_digits(self.commune.code) if get_language() == "km" else self.commune.code
            parts = [self.commune.name or code, self.commune.district.name]
        return ", ".join(parts + [self.province.name])

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name_km", "name_en", "code"}.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)


def ngo_name_ordering(prefix: str = "", lang: str | None = None) -> list[str]:
    """The fields that order NGOs by name in `lang` (the active language by default); `prefix` reaches them
    from another model (`ngo__`). Khmer: the ICU Khmer sort key, NGOs without a Khmer name last."""
    if (lang or get_language()) == "en":
        return [f"{prefix}name_en", f"{prefix}name_km"]
    return [f"{prefix}name_km_order", f"{prefix}name_en"]


class NGOQuerySet(RestrictedQuerySet):
    def in_province(self, province_id: int) -> Q:
        """An NGO touches a province when one of its agreements covers it (an expired one too)."""
        covered = Agreement.provinces.through.objects.filter(agreement__ngo_id=OuterRef("pk"), province_id=province_id)
        return Q(Exists(covered))

    def with_agreement_among(self, agreements: "AgreementQuerySet"):
        """NGOs with at least one agreement in `agreements`.

        Filters that reach an NGO through its agreements pass `Agreement.objects.visible_to(user)...`
        here, so they never reveal where an NGO works outside what the user may see.
        """
        return self.filter(Exists(agreements.filter(ngo=OuterRef("pk")).order_by()))

    def in_name_order(self, lang: str | None = None):
        """NGOs in the order of their names in `lang` (the page's): Khmer dictionary order in Khmer, English names in English."""
        return self.order_by(*ngo_name_ordering(lang=lang))

    def search(self, query: str):
        """NGOs whose Khmer or English name or acronym contains every word of `query` (Khmer folded)."""
        condition = Q()
        for term in search_terms(query):
            condition &= Q(search_text__contains=term)
        return self.filter(condition)

    def refresh_search_text(self) -> int:
        """Recompute `search_text` and the name keys (after a bulk `update()` of names, which bypasses `save()`)."""
        ngos = list(self.only("pk", "name_km", "name_en", "acronym"))
        for ngo in ngos:
            ngo.set_derived_fields()
        return NGO.objects.bulk_update(ngos, list(NGO.DERIVED_FIELDS), batch_size=500)


# search_text and the name keys are derived from the names, so they are left out of the history.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
                 exclude=["search_text", "name_km_key", "name_en_key", "name_km_order"])
class NGO(BilingualName):
    """A non-governmental organisation that works, or worked, with the ministry."""

    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=NGOKind.choices, default=NGOKind.LOCAL)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    address = models.TextField(_("address"), blank=True)
    director = models.CharField(_("director"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="ngos", verbose_name=_("sectors"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The names and acronym folded by normalize_khmer (one per line): what the search box matches.
    # Kept in Python, the one implementation of the folding, so a query and a name fold the same way.
    search_text = models.TextField(editable=False, default="")
    # Each name folded by normalize_khmer: two NGOs may not have names that fold the same in one language
    # (the registry's rule, checked by the form and enforced here, so two people saving at once cannot both win).
    name_km_key = models.CharField(max_length=255, editable=False, default="")
    name_en_key = models.CharField(max_length=255, editable=False, default="")
    # The Khmer name's ICU sort key (mrd_ngo.khmer.khmer_collation_key): Khmer pages sort NGOs by it.
    name_km_order = models.CharField(max_length=600, editable=False, default="", db_collation="C")

    objects = NGOQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "name_km"]
        verbose_name = _("NGO")
        verbose_name_plural = _("NGOs")
        constraints = [
            models.CheckConstraint(condition=~Q(name_km="") | ~Q(name_en=""), name="ngo_has_a_name"),
            models.UniqueConstraint(fields=["name_km_key"], condition=~Q(name_km_key=""), name="ngo_name_km_unique_folded",
                                    violation_error_message=_("An NGO with this name is already recorded.")),
            models.UniqueConstraint(fields=["name_en_key"], condition=~Q(name_en_key=""), name="ngo_name_en_unique_folded",
                                    violation_error_message=_("An NGO with this name is already recorded.")),
        ]
        # The lists sort by NGO name (the NGO list, and the agreement list by NGO then date): with these
        # PostgreSQL reads the first page in name order instead of sorting every NGO or agreement.
        indexes = [
            models.Index(fields=["name_km"], name="ngo_name_km_order"),
            models.Index(fields=["name_en", "name_km"], name="ngo_name_en_order"),
            models.Index(fields=["name_km_order", "name_en"], name="ngo_name_km_collated"),
        ]

    SEARCHED_FIELDS = frozenset({"name_km", "name_en", "acronym"})
    DERIVED_FIELDS = ("search_text", "name_km_key", "name_en_key", "name_km_order")

    def make_search_text(self) -> str:
        """The search key of this NGO: its names and acronym, folded."""
        return "\n".join(normalize_khmer(value) for value in (self.name_km, self.name_en, self.acronym) if value)

    def set_derived_fields(self) -> None:
        """Recompute the search text and the folded name keys from the names (save() does it)."""
        self.search_text = self.make_search_text()
        self.name_km_key = normalize_khmer(self.name_km)[:255]
        self.name_en_key = normalize_khmer(self.name_en)[:255]
        # Without a Khmer name: after every Khmer key ("~" sorts after hex digits), by the English name.
        self.name_km_order = (khmer_collation_key(self.name_km) if self.name_km else "~" + self.name_en.casefold())[:600]

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.SEARCHED_FIELDS.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("agreements:ngo_detail", args=[self.pk])


class AgreementQuerySet(RestrictedQuerySet):
    """Business questions about many agreements."""

    def in_province(self, province_id: int) -> Q:
        covered = Agreement.provinces.through.objects.filter(agreement_id=OuterRef("pk"), province_id=province_id)
        return Q(Exists(covered))

    def with_status(self, today: datetime.date | None = None, window_days: int | None = None):
        """Annotate `status` (an AgreementStatus value) as of `today`, the same rules as `Agreement.status`."""
        today = today or timezone.localdate()
        window_days = rules.expiry_window_days() if window_days is None else window_days
        signed_successor = Agreement.objects.filter(renews=OuterRef("pk"), signed_on__isnull=False)
        return self.annotate(
            status=Case(
                When(terminated_on__lte=today, then=Value(AgreementStatus.TERMINATED.value)),
                When(signed_on__isnull=True, then=Value(AgreementStatus.DRAFT.value)),
                When(Exists(signed_successor), then=Value(AgreementStatus.RENEWED.value)),
                When(valid_to__lt=today, then=Value(AgreementStatus.EXPIRED.value)),
                When(valid_to__lte=today + datetime.timedelta(days=window_days), then=Value(AgreementStatus.EXPIRING.value)),
                default=Value(AgreementStatus.ACTIVE.value),
                output_field=models.CharField(),
            )
        )

    def on_expiring_board(self, group: str, today: datetime.date | None = None, successors=None):
        """The agreements of one group of the expiring board, as of `today`; each agreement is in one group at most.

        `renewing`: a successor is started but not signed yet; `expired`: ended without a successor;
        a band key of `rules.expiry_bands()` (`30`, `60`, `90` with the default 90-day window): ends within
        that band, no successor. Renewed, terminated and draft agreements are on no group. The rules of
        `with_status`, written as plain conditions so PostgreSQL plans them as (anti-)joins: filtering on
        the CASE of `with_status` is estimated so badly that the JIT compiles the query for seconds.
        `successors` are the agreements that count as a renewal in progress (the ones the user may see:
        another province's draft successor is not theirs to follow); "renewed" is the same for everyone.
        """
        today = today or timezone.localdate()
        every_successor = Agreement.objects.filter(renews=OuterRef("pk"))
        started = (Agreement.objects.all() if successors is None else successors).filter(renews=OuterRef("pk"))
        running = (
            self.filter(signed_on__isnull=False)
            .exclude(terminated_on__lte=today)
            .filter(~Exists(every_successor.filter(signed_on__isnull=False)))  # not renewed
        )
        if group == "renewing":
            return running.filter(Exists(started))
        running = running.filter(~Exists(started))
        if group == "expired":
            return running.filter(valid_to__lt=today)
        band = rules.expiry_band(group)
        return running.filter(rules.ends_between(today, band.first, band.last))

    def with_status_in(self, statuses, today: datetime.date | None = None):
        """Agreements whose derived status is one of `statuses`."""
        return self.with_status(today).filter(status__in=list(statuses))

    def expiring_within(self, days: int, today: datetime.date | None = None):
        """Signed agreements, neither terminated nor renewed, that end within `days` days from `today`."""
        today = today or timezone.localdate()
        return self.with_status(today, window_days=days).filter(status=AgreementStatus.EXPIRING)

    def in_force_during(self, start: datetime.date, end: datetime.date):
        """Signed agreements in force for at least one day between `start` and `end` (`rules.in_force_during`)."""
        return self.filter(rules.in_force_during(start, end))

    def in_force_on(self, day: datetime.date):
        """Signed agreements in force on `day` (`rules.in_force_on`)."""
        return self.filter(rules.in_force_on(day))

    def search(self, query: str):
        """Agreements whose reference number, or NGO name or acronym, contains every word of `query`."""
        condition = Q()
        for term in search_terms(query):
            condition &= Q(ngo__search_text__contains=term) | Q(reference_number__icontains=term)
        return self.filter(condition)

    def overlapping(self, *, ngo_id: int, valid_from: datetime.date, valid_to: datetime.date,
                    terminated_on: datetime.date | None = None, exclude_pk: int | None = None):
        """Agreements of the NGO in force on a day of that period: what `agreement_no_overlap_per_ngo` forbids."""
        end = min(valid_to, terminated_on) if terminated_on else valid_to
        return (
            self.filter(ngo_id=ngo_id)
            .exclude(pk=exclude_pk)
            .alias(effective_end=Least("valid_to", "terminated_on"))
            .filter(valid_from__lte=end, effective_end__gte=valid_from)
            .order_by("valid_from")
        )

    def with_renewal_chain(self, user):
        """Prefetch `visible_predecessor` and `visible_successor`: the renewal chain as far as `user` may see it.

        A page shows the agreement an agreement renews, or the one renewing it, only through these:
        `agreement.renews` and `agreement.successor` may be agreements of another province.
        """
        visible = Agreement.objects.visible_to(user)
        return self.prefetch_related(
            models.Prefetch("renews", queryset=visible, to_attr="visible_predecessor"),
            models.Prefetch("successor", queryset=visible, to_attr="visible_successor"),
        )

    def flagged(self):
        """Agreements with a flag not yet cleared (an administrator's follow-up in progress)."""
        return self.filter(Exists(AgreementFlag.objects.filter(agreement=OuterRef("pk"), cleared_at__isnull=True)))

    def with_open_flags(self):
        """Prefetch the flags not yet cleared into `open_flags` (a list), with their people."""
        return self.prefetch_related(open_flags_prefetch())

    def with_open_flag_note(self):
        """The note of the agreement's open flag (at most one: a constraint), else None, as `open_flag_note`."""
        return self.annotate(open_flag_note=models.Subquery(
            AgreementFlag.objects.filter(agreement=models.OuterRef("pk"), cleared_at__isnull=True).values("note")[:1]
        ))


def open_flags_prefetch() -> models.Prefetch:
    """The flags not yet cleared, with their people, into `open_flags` (a list) of each agreement."""
    return models.Prefetch(
        "flags",
        queryset=AgreementFlag.objects.filter(cleared_at__isnull=True).select_related("follow_up_by", "flagged_by"),
        to_attr="open_flags",
    )


class DateRange(Func):
    """PostgreSQL daterange(lower, upper, '[]'): both ends included."""

    function = "daterange"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = models.DateField()


class IntRange(Func):
    """PostgreSQL int8range(id, id, '[]'): the single value `id` as a range.

    Lets the no-overlap exclusion constraint compare NGOs with the built-in GiST range
    operator class, so it needs no btree_gist extension (the embedded pgserver lacks it).
    """

    function = "int8range"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = models.BigIntegerField()

    def __init__(self, expression, **extra):
        # The value twice as two arguments (not the template repeating it): each then brings its
        # own query parameter, which Django's constraint validation (full_clean) needs.
        super().__init__(expression, expression, **extra)


def signed_document_path(instance, filename: str) -> str:
    """A random storage name for a signed document, keeping only the extension (chosen from its content)."""
    return f"agreements/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


# The database's last word on reference numbers (a second agreement saved at the same moment).
REFERENCE_CONSTRAINT = "agreement_reference_number_unique_ci"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Agreement(models.Model):
    """A cooperation agreement (MoU) between the ministry and one NGO, valid between two dates."""

    ngo = models.ForeignKey(NGO, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("NGO"))
    reference_number = models.CharField(_("reference number"), max_length=60, unique=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True, help_text=_("Empty while the agreement is a draft."))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="agreements", verbose_name=_("sectors"))
    provinces = models.ManyToManyField(Province, blank=True, related_name="agreements", verbose_name=_("provinces"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements", verbose_name=_("MRD department")
    )
    mrd_focal_person = models.CharField(_("ministry focal person"), max_length=200, blank=True)
    mrd_focal_email = models.EmailField(_("ministry focal person e-mail"), blank=True)
    ngo_focal_person = models.CharField(_("NGO focal person"), max_length=200, blank=True)
    ngo_focal_email = models.EmailField(_("NGO focal person e-mail"), blank=True)
    planned_budget_usd = models.DecimalField(_("planned budget (USD)"), max_digits=14, decimal_places=2, default=0)
    document = models.FileField(_("signed document"), upload_to=signed_document_path, blank=True)
    document_name = models.CharField(_("document file name"), max_length=255, blank=True)
    renews = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="successor", verbose_name=_("renews")
    )
    terminated_on = models.DateField(_("termination date"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "reference_number"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        permissions = [("flag_agreement", _("Can flag agreements for follow-up"))]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="agreement_valid_to_after_valid_from"),
            models.CheckConstraint(condition=Q(planned_budget_usd__gte=0), name="agreement_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | ~Q(termination_reason=""), name="agreement_termination_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=F("valid_from")),
                name="agreement_terminated_after_start",
            ),
            models.CheckConstraint(condition=~Q(renews=F("pk")), name="agreement_does_not_renew_itself"),
            # Reference numbers are compared without case, as the forms do ("mrd-1" is "MRD-1").
            models.UniqueConstraint(Lower("reference_number"), name=REFERENCE_CONSTRAINT,
                                    violation_error_message=_("Another agreement already has this reference number.")),
            # Lets reports reference (agreement, ngo) together, so a report's NGO is the agreement's.
            models.UniqueConstraint(fields=["id", "ngo"], name="agreement_id_ngo_unique"),
            ExclusionConstraint(
                name="agreement_no_overlap_per_ngo",
                expressions=[
                    (IntRange("ngo"), RangeOperators.OVERLAPS),
                    (DateRange("valid_from", Least("valid_to", "terminated_on")), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference_number} ({self.ngo})"

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.pk])

    def status_on(self, today: datetime.date, window_days: int | None = None) -> AgreementStatus:
        """The status as of `today`; the same rules as `AgreementQuerySet.with_status`."""
        window_days = rules.expiry_window_days() if window_days is None else window_days
        if self.terminated_on and self.terminated_on <= today:
            return AgreementStatus.TERMINATED
        if self.signed_on is None:
            return AgreementStatus.DRAFT
        if self.has_signed_successor:
            return AgreementStatus.RENEWED
        if self.valid_to < today:
            return AgreementStatus.EXPIRED
        if self.valid_to <= today + datetime.timedelta(days=window_days):
            return AgreementStatus.EXPIRING
        return AgreementStatus.ACTIVE

    @property
    def status(self) -> AgreementStatus:
        """The status today (uses the `status` annotation when the QuerySet provided it)."""
        annotated = self.__dict__.get("status")
        return AgreementStatus(annotated) if annotated else self.status_on(timezone.localdate())

    @status.setter
    def status(self, value):
        # Set by the `with_status` annotation.
        self.__dict__["status"] = value

    @property
    def has_signed_successor(self) -> bool:
        """A signed agreement renews this one."""
        successor = getattr(self, "successor", None)
        return successor is not None and successor.signed_on is not None

    @property
    def days_left(self) -> int:
        """Days from today to `valid_to` (negative once expired)."""
        return (self.valid_to - timezone.localdate()).days

    @property
    def effective_end(self) -> datetime.date:
        """The last day the agreement is in force: `valid_to`, or the termination date if earlier."""
        return min(self.valid_to, self.terminated_on) if self.terminated_on else self.valid_to

    @property
    def draft_successor(self) -> "Agreement | None":
        """The renewal being prepared: a successor not signed yet."""
        successor = getattr(self, "successor", None)
        return successor if successor is not None and successor.signed_on is None else None

    @property
    def can_be_renewed(self) -> bool:
        """Signed, not terminated, and no renewal started yet."""
        return self.signed_on is not None and self.terminated_on is None and getattr(self, "successor", None) is None


# Who added or removed which province or sector, and when: tracking proxies of the through tables
# (the way pghistory tracks many-to-many fields) gives the event models AgreementProvinceEvent,
# AgreementSectorEvent and NGOSectorEvent, each row with its acting user.
@pghistory.track(pghistory.InsertEvent("add"), pghistory.DeleteEvent("remove"), obj_field=None)
class AgreementProvince(Agreement.provinces.through):
    """A province an agreement covers (the many-to-many row), tracked for the audit trail."""

    class Meta:
        proxy = True


@pghistory.track(pghistory.InsertEvent("add"), pghistory.DeleteEvent("remove"), obj_field=None)
class AgreementSector(Agreement.sectors.through):
    """A sector an agreement covers (the many-to-many row), tracked for the audit trail."""

    class Meta:
        proxy = True


@pghistory.track(pghistory.InsertEvent("add"), pghistory.DeleteEvent("remove"), obj_field=None)
class NGOSector(NGO.sectors.through):
    """A sector an NGO works in (the many-to-many row), tracked for the audit trail."""

    class Meta:
        proxy = True


class AgreementFlag(models.Model):
    """An administrator's follow-up note on an agreement, open until someone clears it; kept afterwards."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="flags", verbose_name=_("agreement"))
    note = models.TextField(_("note"))
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_flags_to_follow",
        verbose_name=_("follow-up person"),
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("flagged by")
    )
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cleared by"),
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    clearing_note = models.TextField(_("how it was resolved"), blank=True)

    class Meta:
        ordering = ["-flagged_at"]
        verbose_name = _("agreement flag")
        verbose_name_plural = _("agreement flags")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(cleared_at__isnull=True), name="flag_one_open_per_agreement"
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True, cleared_by__isnull=True)
                | Q(cleared_at__isnull=False, cleared_by__isnull=False),
                name="flag_cleared_with_who_and_when",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="flag_has_a_note"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference_number}: {self.note[:40]}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class ExpiryNotice(models.Model):
    """An expiry e-mail sent about an agreement; one per agreement and threshold, whatever reruns."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="expiry_notices", verbose_name=_("agreement")
    )
    threshold = models.CharField(_("notice"), max_length=10, choices=NoticeThreshold.choices)
    valid_to = models.DateField(_("end date announced"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.TextField(_("recipients"))

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("expiry notice")
        verbose_name_plural = _("expiry notices")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "threshold"], name="notice_once_per_agreement_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference_number} {self.threshold}"


class RenewalChecklistItem(BilingualName):
    """A document the ministry asks an NGO for before renewing its agreement (the list is kept in the admin)."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked for"), default=True, help_text=_("Only active items are asked for in new renewals."))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("renewal checklist item")
        verbose_name_plural = _("renewal checklist")


class RenewalChecklistEntry(models.Model):
    """Whether one checklist document has been received for a renewal (the successor agreement)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="checklist_entries", verbose_name=_("agreement")
    )
    item = models.ForeignKey(RenewalChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("document"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    # Optimistic locking of the checklist form: the latest change among an agreement's entries is its version.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__order", "item__pk"]
        verbose_name = _("renewal checklist entry")
        verbose_name_plural = _("renewal checklist entries")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "item"], name="checklist_entry_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference_number}: {self.item}"


# Who changed whose access, and when: a user's role is a group membership, their staff and superuser
# flags decide the admin site, their profile their province. Changes made in the admin carry the acting
# administrator (pghistory's middleware); the password and the last login are deliberately not recorded.
@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
    fields=["id", "username", "is_active", "is_staff", "is_superuser"], obj_field=None, model_name="StaffAccountEvent",
)
class StaffAccount(get_user_model()):
    """A user account seen by the audit trail (tracking proxy of Django's user)."""

    class Meta:
        proxy = True


@pghistory.track(pghistory.InsertEvent("add"), pghistory.DeleteEvent("remove"), obj_field=None)
class StaffRole(get_user_model().groups.through):
    """A role (group) given to a user: the many-to-many row, tracked for the audit trail."""

    class Meta:
        proxy = True


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), obj_field=None)
class StaffProfile(models.Model):
    """What the app knows of a user beyond Django's: their department, and a provincial officer's province."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="officers", verbose_name=_("province")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CoverageRate(models.Model):
    """Rural clean-water and sanitation coverage of a province in a year, entered by administrators."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="coverage_rates", verbose_name=_("province"))
    year = models.PositiveSmallIntegerField(_("year"))
    water_supply_pct = models.DecimalField(_("rural water supply coverage (%)"), max_digits=5, decimal_places=1)
    sanitation_pct = models.DecimalField(_("rural sanitation coverage (%)"), max_digits=5, decimal_places=1)
    is_demonstration = models.BooleanField(
        _("demonstration figure"), default=False, help_text=_("Made-up figure of the demo data, not an official statistic.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["-year", "province__code"]
        verbose_name = _("coverage rate")
        verbose_name_plural = _("coverage rates")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="coverage_one_per_province_year"),
            models.CheckConstraint(
                condition=Q(water_supply_pct__gte=0, water_supply_pct__lte=100, sanitation_pct__gte=0, sanitation_pct__lte=100),
                name="coverage_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year}"
