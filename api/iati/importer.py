"""An NGO's IATI activity file read into a proposal of an agreement's registry fields. Reads only: writes nothing.

Hostile XML is refused before anything is parsed for meaning: a document type declaration (where
entity expansion, "billion laughs", and external entities live) is refused outright with defusedxml
(an IATI file never needs one), and lxml then parses with entities unresolved, no network, no DTD
loading and no huge-tree mode. The file must be valid against the IATI 2.03 activities schema.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from lxml import etree

from agreements.models import Province, Sector
from api.iati import codes
from api.iati.export import XML_LANG, schema


class IatiFileError(Exception):
    """The file cannot be read as an IATI activities file; the message says why, for the person who uploaded it."""


@dataclass
class Proposal:
    """What an IATI activity proposes for an agreement, and what of the file could not be used."""

    identifier: str
    title_km: str = ""
    title_en: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    sectors: list = field(default_factory=list)  # Sector rows
    provinces: list = field(default_factory=list)  # Province rows
    planned_budget_usd: Decimal | None = None
    notes: list[str] = field(default_factory=list)  # what was not used, and why
    organisation_names: list[str] = field(default_factory=list)  # the implementing and reporting organisations

    def to_plain(self) -> dict:
        """The proposal as JSON-able data (kept in the session between the upload and the confirmation)."""
        return {
            "identifier": self.identifier, "title_km": self.title_km, "title_en": self.title_en,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "sectors": [s.pk for s in self.sectors], "provinces": [p.pk for p in self.provinces],
            "planned_budget_usd": str(self.planned_budget_usd) if self.planned_budget_usd is not None else None,
            "notes": [str(note) for note in self.notes], "organisation_names": self.organisation_names,
        }

    @classmethod
    def from_plain(cls, data: dict) -> "Proposal":
        return cls(
            identifier=data["identifier"], title_km=data["title_km"], title_en=data["title_en"],
            valid_from=_date(data["valid_from"]), valid_to=_date(data["valid_to"]),
            sectors=list(Sector.objects.filter(pk__in=data["sectors"])),
            provinces=list(Province.objects.filter(pk__in=data["provinces"])),
            planned_budget_usd=Decimal(data["planned_budget_usd"]) if data["planned_budget_usd"] else None,
            notes=data["notes"], organisation_names=data["organisation_names"],
        )

    @property
    def title(self) -> str:
        return self.title_km or self.title_en

    def initial(self) -> dict:
        """The agreement form's initial values."""
        values = {"valid_from": self.valid_from, "valid_to": self.valid_to,
                  "sectors": [s.pk for s in self.sectors], "provinces": [p.pk for p in self.provinces]}
        if self.planned_budget_usd is not None:
            values["planned_budget_usd"] = self.planned_budget_usd
        return {name: value for name, value in values.items() if value not in (None, [])}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def read_activities(content: bytes) -> list[Proposal]:
    """The proposals of every activity in an IATI activities file; IatiFileError when it is not one."""
    if not content.strip():
        raise IatiFileError(_("The file is empty."))
    try:
        defusedxml.ElementTree.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise IatiFileError(_("The file declares a document type or entities (<!DOCTYPE …>). IATI files have none, "
                              "and such declarations can be used to attack the server: the file was not read.")) from None
    except (defusedxml.ElementTree.ParseError, ValueError, UnicodeDecodeError):
        raise IatiFileError(_("This is not an XML file (an IATI activity file is XML, e.g. activities.xml).")) from None
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError:
        raise IatiFileError(_("This is not an XML file (an IATI activity file is XML, e.g. activities.xml).")) from None
    if root.tag != "iati-activities":
        raise IatiFileError(_("This XML file is not an IATI activities file: it starts with <%(tag)s>, not <iati-activities>.")
                            % {"tag": str(root.tag)[:60]})
    iati_schema = schema()
    if not iati_schema.validate(root):
        first = iati_schema.error_log.filter_from_errors()[:3]
        details = "; ".join(f"line {error.line}: {error.message}" for error in first)
        raise IatiFileError(_("This file is not valid IATI 2.03: %(details)s") % {"details": details})
    activities = root.findall("iati-activity")
    if not activities:
        raise IatiFileError(_("The file holds no activity."))
    return [_proposal(activity) for activity in activities[:200]]


def _texts(element) -> dict[str, str]:
    """Narratives of an element by language (a narrative without xml:lang takes the activity's default)."""
    texts = {}
    if element is None:
        return texts
    default = element.getparent().get(XML_LANG) if element.getparent() is not None else None
    for narrative in element.findall("narrative"):
        lang = (narrative.get(XML_LANG) or default or "en")[:2].lower()
        if narrative.text and lang not in texts:
            texts[lang] = narrative.text.strip()
    return texts


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _proposal(activity) -> Proposal:
    proposal = Proposal(identifier=(activity.findtext("iati-identifier") or "").strip())
    titles = _texts(activity.find("title"))
    proposal.title_km, proposal.title_en = titles.get("km", ""), titles.get("en", "")
    if not (proposal.title_km or proposal.title_en) and titles:
        proposal.title_en = next(iter(titles.values()))

    for element in activity.findall("participating-org[@role='4']") + activity.findall("reporting-org"):
        for name in _texts(element).values():
            if name and name not in proposal.organisation_names:
                proposal.organisation_names.append(name)
        if element.get("ref") and element.get("ref") not in proposal.organisation_names:
            proposal.organisation_names.append(element.get("ref"))

    dates = {element.get("type"): _date(element.get("iso-date")) for element in activity.findall("activity-date")}
    proposal.valid_from = dates.get(codes.ACTUAL_START) or dates.get(codes.PLANNED_START)
    proposal.valid_to = dates.get(codes.PLANNED_END) or dates.get(codes.ACTUAL_END)

    sectors_by_code = {sector.code: sector for sector in Sector.objects.all()}
    for element in activity.findall("sector"):
        vocabulary, code = element.get("vocabulary") or "1", (element.get("code") or "").strip()
        if vocabulary not in ("1", "2"):
            proposal.notes.append(_("Sector %(code)s (vocabulary %(vocabulary)s) is not a DAC code: not used.")
                                  % {"code": code, "vocabulary": vocabulary})
            continue
        ours = codes.SECTOR_OF_DAC.get(code) or codes.SECTOR_OF_DAC_CATEGORY.get(code[:3])
        sector = sectors_by_code.get(ours)
        if sector is None:
            proposal.notes.append(_("DAC sector %(code)s matches none of the ministry's sectors: not used.") % {"code": code})
        elif sector not in proposal.sectors:
            proposal.sectors.append(sector)

    provinces_by_code = {province.code: province for province in Province.objects.all()}
    for element in activity.findall("location"):
        candidates = [element.get("ref") or ""] + [a.get("code") or "" for a in element.findall("administrative")]
        names = _texts(element.find("name"))
        province = next((provinces_by_code.get(codes.province_code_of(c)) for c in candidates
                         if codes.province_code_of(c)), None)
        if province is None:
            province = next((p for p in provinces_by_code.values()
                             if names and (p.name_en.casefold() == names.get("en", "").casefold()
                                           or p.name_km == names.get("km"))), None)
        if province is None:
            label = names.get("en") or names.get("km") or element.get("ref") or "?"
            proposal.notes.append(_("Location “%(name)s” is not a province of Cambodia: not used.") % {"name": label})
        elif province not in proposal.provinces:
            proposal.provinces.append(province)
    if not activity.findall("location") and activity.find("recipient-country[@code='KH']") is None:
        proposal.notes.append(_("The activity names neither Cambodia nor a province: choose the provinces."))

    currency = activity.get("default-currency") or ""
    total, skipped = Decimal(0), False
    budgets = activity.findall("budget")
    for budget in budgets:
        value = budget.find("value")
        if budget.get("type", "1") != "1" or value is None:
            continue  # revised budgets repeat the original ones
        if (value.get("currency") or currency) != "USD":
            skipped = True
            continue
        try:
            total += Decimal((value.text or "").strip())
        except InvalidOperation:
            skipped = True
    if skipped:
        proposal.notes.append(_("Budgets not in US dollars were left out (the registry keeps USD): check the amount."))
    if budgets and total:
        proposal.planned_budget_usd = total.quantize(Decimal("0.01"))
    return proposal
