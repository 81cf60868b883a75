"""The audit trail of an NGO or an agreement, readable: who, when, which fields changed from what to what.

Built from the pghistory event tables (database triggers, so bulk and raw-SQL changes are there too):
one entry per transaction and context, so a form that changes fields and provinces reads as one change.
"""
import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import models as registry
from mrd_ngo.history import event_user_id, users_by_id
from mrd_ngo.khmer import EMPTY, format_date, format_number

# Fields that are bookkeeping, not something a person changed.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "search_text", "name_km_key", "name_en_key", "name_km_order", "document"}


@dataclass
class Change:
    """One field of one entry: old -> new, or for provinces and sectors the names added and removed."""

    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class HistoryEntry:
    at: datetime.datetime
    who: str
    what: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""
    # Orders entries of one transaction (same timestamp): the event id of the row's own change.
    sequence: int = 0


class _Formatter:
    """Writes field values the way the pages do; looks up the names of related rows in bulk."""

    def __init__(self, model, events, user=None):
        self.model = model
        self.lang = get_language()
        self.names: dict[str, dict] = {}
        self.hidden: dict[str, str] = {}
        related = {f.name: f for f in model._meta.concrete_fields if f.is_relation}
        for name, model_field in related.items():
            ids = {getattr(e, model_field.attname) for e in events} - {None}
            target = model_field.related_model
            if not ids:
                continue
            if target is registry.Agreement:
                # An agreement named in the history (the one renewed) only if the user may see it.
                rows = registry.Agreement.objects.visible_to(user).filter(pk__in=ids)
                self.names[name] = dict(rows.values_list("pk", "reference_number"))
                self.hidden[name] = _("(an agreement of another province)")
            else:
                rows = target._default_manager.filter(pk__in=ids)
                self.names[name] = {row.pk: str(row) for row in rows}

    def fields(self):
        return [f for f in self.model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]

    def value(self, model_field, event) -> str:
        raw = getattr(event, model_field.attname)
        if raw is None or raw == "":
            return EMPTY
        if model_field.is_relation:
            return self.names.get(model_field.name, {}).get(raw, self.hidden.get(model_field.name, f"#{raw}"))
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(raw, raw))
        if isinstance(model_field, models.BooleanField):
            return _("Yes") if raw else _("No")
        if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
            return format_date(raw, self.lang)
        if isinstance(model_field, models.DecimalField):
            return format_number(raw, self.lang, 2)
        return str(raw)


def _row_entries(model, events, user=None) -> list[tuple]:
    """(group key, at, user id, label, [Change]) for each insert/update/delete of the row itself."""
    formatter = _Formatter(model, events, user)
    rows, previous = [], None
    for event in events:
        changes = []
        if event.pgh_label == "update" and previous is not None:
            for model_field in formatter.fields():
                old, new = formatter.value(model_field, previous), formatter.value(model_field, event)
                if old != new:
                    label = _("signed document") if model_field.name == "document_name" else str(model_field.verbose_name)
                    changes.append(Change(label=label, old=old, new=new))
            if not changes:
                previous = event
                continue  # saved without a visible change
        rows.append(((event.pgh_context_id, event.pgh_created_at), event.pgh_created_at, event_user_id(event),
                     event.pgh_label, changes, event.pgh_id))
        previous = event
    return rows


def _link_entries(events, label: str, related: str) -> list[tuple]:
    """The same for many-to-many rows added or removed (provinces, sectors)."""
    rows = []
    for event in events:
        name = str(getattr(event, related))
        change = Change(label=label, added=[name] if event.pgh_label == "add" else [],
                        removed=[name] if event.pgh_label == "remove" else [])
        rows.append(((event.pgh_context_id, event.pgh_created_at), event.pgh_created_at, event_user_id(event),
                     "links", [change], None))
    return rows


WHAT = {"insert": gettext_lazy("Created"), "update": gettext_lazy("Changed"), "delete": gettext_lazy("Deleted"),
        "links": gettext_lazy("Changed")}


def _entries(rows: list[tuple]) -> list[HistoryEntry]:
    people = {pk: _display(user) for pk, user in users_by_id(row[2] for row in rows).items()}
    entries = []
    rows.sort(key=lambda row: (row[1], str(row[0][0])))
    for _key, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        labels = {row[3] for row in group}
        what = next((w for w in ("insert", "delete", "update", "links") if w in labels))
        merged: dict[str, Change] = {}
        changes: list[Change] = []
        for row in group:
            for change in row[4]:
                if change.added or change.removed:
                    target = merged.setdefault(change.label, Change(label=change.label))
                    target.added += change.added
                    target.removed += change.removed
                else:
                    changes.append(change)
        user_id = next((row[2] for row in group if row[2] is not None), None)
        who = people.get(user_id, _("unknown user")) if user_id is not None else _("System")
        sequence = min((row[5] for row in group if row[5] is not None), default=0)
        entries.append(HistoryEntry(at=group[0][1], who=who, what=str(WHAT[what]),
                                    changes=changes + list(merged.values()), sequence=sequence))
    return entries


def agreement_history(agreement: registry.Agreement, *, user) -> list[HistoryEntry]:
    """The agreement's history as `user` may read it, newest first: its changes, its provinces and sectors, its flags."""
    events = list(registry.AgreementEvent.objects.filter(pgh_obj_id=agreement.pk).select_related("pgh_context")
                  .order_by("pgh_id"))
    rows = _row_entries(registry.Agreement, events, user)
    rows += _link_entries(
        registry.AgreementProvinceEvent.objects.filter(agreement_id=agreement.pk).select_related("pgh_context", "province"),
        str(registry.Agreement._meta.get_field("provinces").verbose_name), "province",
    )
    rows += _link_entries(
        registry.AgreementSectorEvent.objects.filter(agreement_id=agreement.pk).select_related("pgh_context", "sector"),
        str(registry.Agreement._meta.get_field("sectors").verbose_name), "sector",
    )
    entries = _entries(rows)
    for flag in agreement.flags.select_related("flagged_by", "follow_up_by", "cleared_by"):
        entries.append(HistoryEntry(
            at=flag.flagged_at, who=_display(flag.flagged_by), what=_("Flagged"), note=flag.note,
            changes=[Change(label=_("follow-up person"), new=_display(flag.follow_up_by))],
        ))
        if flag.cleared_at:
            entries.append(HistoryEntry(at=flag.cleared_at, who=_display(flag.cleared_by), what=_("Flag cleared"),
                                        note=flag.clearing_note))
    entries.sort(key=lambda entry: (entry.at, entry.sequence), reverse=True)
    return entries


def ngo_history(ngo: registry.NGO) -> list[HistoryEntry]:
    """The NGO's history, newest first: its details and its sectors."""
    events = list(registry.NGOEvent.objects.filter(pgh_obj_id=ngo.pk).select_related("pgh_context").order_by("pgh_id"))
    rows = _row_entries(registry.NGO, events)
    rows += _link_entries(
        registry.NGOSectorEvent.objects.filter(ngo_id=ngo.pk).select_related("pgh_context", "sector"),
        str(registry.NGO._meta.get_field("sectors").verbose_name), "sector",
    )
    entries = _entries(rows)
    entries.sort(key=lambda entry: (entry.at, entry.sequence), reverse=True)
    return entries


def _display(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""
