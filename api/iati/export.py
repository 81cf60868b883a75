"""Agreements as an IATI 2.03 activities file: one <iati-activity> per agreement (the mapping: templates/api/guide.html).

The element order is the schema's (api/iati/schema/iati-activities-schema.xsd); a test validates the
file against it. Texts are given in Khmer and English (narrative xml:lang); amounts in US dollars.
"""
import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from api.iati import codes

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MINISTRY = {"km": "ក្រសួងអភិវឌ្ឍន៍ជនបទ", "en": "Ministry of Rural Development, Cambodia"}


def activity_identifier(agreement) -> str:
    """The activity's identifier: the ministry's organisation identifier, then the agreement's reference number."""
    return f"{settings.IATI_REPORTING_ORG_REF}-{agreement.reference_number}"


def _narratives(parent, texts: dict[str, str]) -> None:
    """One <narrative xml:lang=..> per language that has a text (Khmer first); one at least."""
    written = False
    for lang in ("km", "en"):
        if texts.get(lang):
            etree.SubElement(parent, "narrative", {XML_LANG: lang}).text = texts[lang]
            written = True
    if not written:
        etree.SubElement(parent, "narrative", {XML_LANG: "en"}).text = "-"


def _in_both(message_fn) -> dict[str, str]:
    """A sentence written once with gettext, in Khmer and in English."""
    texts = {}
    for lang in ("km", "en"):
        with translation.override(lang):
            texts[lang] = message_fn()
    return texts


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _sector_shares(agreement) -> list[tuple[str, Decimal]]:
    """DAC codes of the agreement's sectors with percentages adding up to 100 (two ministry sectors may share a code)."""
    dac = []
    for sector in agreement.sectors.all():
        code = codes.DAC_OF_SECTOR.get(sector.code, codes.DAC_FALLBACK)
        if code not in dac:
            dac.append(code)
    if not dac:
        return []
    share = (Decimal(100) / len(dac)).quantize(Decimal("0.01"))
    shares = [(code, share) for code in dac]
    shares[-1] = (dac[-1], Decimal(100) - share * (len(dac) - 1))
    return shares


def activity_element(agreement, today: datetime.date):
    """The <iati-activity> of one agreement (with `status` annotated, sectors, provinces and NGO loaded)."""
    ngo = agreement.ngo
    activity = etree.Element("iati-activity", {
        "last-updated-datetime": agreement.updated_at.replace(microsecond=0).isoformat(),
        XML_LANG: "km", "default-currency": "USD", "hierarchy": "1",
    })
    etree.SubElement(activity, "iati-identifier").text = activity_identifier(agreement)
    reporting = etree.SubElement(activity, "reporting-org", {"ref": settings.IATI_REPORTING_ORG_REF, "type": codes.GOVERNMENT})
    _narratives(reporting, MINISTRY)

    reference = agreement.reference_number
    title = etree.SubElement(activity, "title")
    _narratives(title, _in_both(lambda: _("Cooperation agreement %(reference)s: %(ngo)s") % {
        "reference": reference, "ngo": ngo.name}))
    description = etree.SubElement(activity, "description", {"type": "1"})
    sectors = list(agreement.sectors.all())
    provinces = list(agreement.provinces.all())
    _narratives(description, _in_both(lambda: _(
        "Cooperation agreement (MoU) %(reference)s between the Ministry of Rural Development and %(ngo)s, "
        "valid from %(start)s to %(end)s. Sectors: %(sectors)s. Provinces: %(provinces)s.") % {
        "reference": reference, "ngo": ngo.name, "start": agreement.valid_from.isoformat(),
        "end": agreement.valid_to.isoformat(), "sectors": ", ".join(s.name for s in sectors) or "-",
        "provinces": ", ".join(p.name for p in provinces) or "-"}))

    implementing = etree.SubElement(activity, "participating-org", {
        "role": codes.IMPLEMENTING, "type": codes.ORGANISATION_TYPE.get(ngo.kind, "22")})
    _narratives(implementing, {"km": ngo.name_km, "en": ngo.name_en})
    etree.SubElement(activity, "activity-status", {"code": codes.ACTIVITY_STATUS[agreement.status]})

    dates = [(codes.PLANNED_START, agreement.valid_from), (codes.PLANNED_END, agreement.valid_to)]
    if agreement.signed_on is not None and agreement.valid_from <= today:
        dates.insert(1, (codes.ACTUAL_START, agreement.valid_from))
        if agreement.effective_end < today:
            dates.append((codes.ACTUAL_END, agreement.effective_end))
    for kind, day in dates:
        etree.SubElement(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()})

    etree.SubElement(activity, "recipient-country", {"code": codes.COUNTRY, "percentage": "100"})
    for province in provinces:
        location = etree.SubElement(activity, "location", {"ref": codes.province_location_code(province.code)})
        etree.SubElement(location, "location-reach", {"code": "1"})  # where the activity happens
        _narratives(etree.SubElement(location, "name"), {"km": province.name_km, "en": province.name_en})
        etree.SubElement(location, "administrative", {"vocabulary": "A4", "level": "0", "code": codes.COUNTRY})
        etree.SubElement(location, "exactness", {"code": "2"})  # approximate: the whole province
        etree.SubElement(location, "location-class", {"code": "1"})  # administrative region
        etree.SubElement(location, "feature-designation", {"code": "ADM1"})  # first-order division
    for code, percentage in _sector_shares(agreement):
        text = f"{percentage:f}".rstrip("0").rstrip(".") if "." in f"{percentage:f}" else f"{percentage:f}"
        etree.SubElement(activity, "sector", {"vocabulary": "1", "code": code, "percentage": text})

    budget = etree.SubElement(activity, "budget", {"type": "1", "status": "2" if agreement.signed_on else "1"})
    etree.SubElement(budget, "period-start", {"iso-date": agreement.valid_from.isoformat()})
    etree.SubElement(budget, "period-end", {"iso-date": agreement.valid_to.isoformat()})
    etree.SubElement(budget, "value", {"currency": "USD", "value-date": agreement.valid_from.isoformat()}).text = (
        _money(agreement.planned_budget_usd))
    return activity


def activities_xml(agreements, today: datetime.date | None = None) -> bytes:
    """The IATI 2.03 activities file of `agreements` (a QuerySet with `with_status()`, NGO, sectors, provinces)."""
    today = today or timezone.localdate()
    root = etree.Element("iati-activities", {
        "version": codes.VERSION, "generated-datetime": timezone.now().replace(microsecond=0).isoformat(),
    })
    for agreement in agreements.iterator(chunk_size=500) if hasattr(agreements, "iterator") else agreements:
        root.append(activity_element(agreement, today))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema() -> etree.XMLSchema:
    """The IATI 2.03 activities schema (copied from IATI, with the files it includes: api/iati/schema/)."""
    from pathlib import Path

    return etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schema" / "iati-activities-schema.xsd")))
