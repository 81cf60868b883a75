"""The agreement rules every page, export, document and command uses: written here once.

- In force: a signed agreement is in force from `valid_from` to `valid_to`; a termination ends it on
  the termination day (from that day its status is "terminated", as `with_status` says).
- Expiring: a running agreement (signed, not terminated, not renewed) ending within
  `settings.AGREEMENT_EXPIRY_WINDOW_DAYS` days (90 by default). The expiring board splits that window
  into three bands of equal length (with 90 days: within 30, 31 to 60, 61 to 90).

The status of one agreement (draft, active, expiring, expired, renewed, terminated) is
`AgreementQuerySet.with_status` (many rows, in SQL) and `Agreement.status_on` (one row), side by side
in agreements/models.py.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.choices import AgreementStatus
from mrd_ngo.khmer import format_number

#: The statuses of a running agreement: signed, neither terminated nor renewed, not ended yet.
RUNNING_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)


def expiry_window_days() -> int:
    """How many days before its end an agreement counts as expiring (settings.AGREEMENT_EXPIRY_WINDOW_DAYS)."""
    return settings.AGREEMENT_EXPIRY_WINDOW_DAYS


def in_force_during(start: datetime.date, end: datetime.date) -> Q:
    """Signed agreements in force for at least one day between `start` and `end` (both included).

    A termination ends an agreement on its termination day: that day it is no longer in force.
    """
    return Q(signed_on__isnull=False, valid_from__lte=end, valid_to__gte=start) & (
        Q(terminated_on__isnull=True) | Q(terminated_on__gt=start)
    )


def in_force_on(day: datetime.date) -> Q:
    """Signed agreements in force on `day` (the same rule as `in_force_during(day, day)`)."""
    return in_force_during(day, day)


@dataclass(frozen=True)
class ExpiryBand:
    """A group of the expiring board: agreements ending between `first` and `last` days from today."""

    first: int
    last: int

    @property
    def key(self) -> str:
        """The band's name in addresses and filters: its last day (`30`, `60`, `90` with the default window)."""
        return str(self.last)

    @property
    def title(self) -> str:
        """The band's heading on the expiring board, in the active language (Khmer digits in Khmer)."""
        lang = get_language()
        if self.first == 0:
            return _("Expiring within %(days)s days") % {"days": format_number(self.last, lang)}
        return _("Expiring in %(first)s to %(last)s days") % {
            "first": format_number(self.first, lang), "last": format_number(self.last, lang),
        }

    @property
    def choice_label(self) -> str:
        """The band as a choice of the “ends within” filters."""
        return _("%(days)s days") % {"days": format_number(self.last, get_language())}


def expiry_bands(window_days: int | None = None) -> tuple[ExpiryBand, ...]:
    """The expiring window split into three bands of (nearly) equal length, most urgent first.

    With the default 90 days: 0-30, 31-60, 61-90. A window shorter than three days is one band.
    """
    window = expiry_window_days() if window_days is None else window_days
    if window < 3:
        return (ExpiryBand(0, window),)
    cuts = [round(window * n / 3) for n in (1, 2, 3)]
    return (ExpiryBand(0, cuts[0]), ExpiryBand(cuts[0] + 1, cuts[1]), ExpiryBand(cuts[1] + 1, cuts[2]))


def expiry_band(key: str, window_days: int | None = None) -> ExpiryBand:
    """The band named `key`; KeyError for another name."""
    for band in expiry_bands(window_days):
        if band.key == key:
            return band
    raise KeyError(key)


def ends_between(today: datetime.date, first: int, last: int) -> Q:
    """Agreements whose `valid_to` is `first` to `last` days after `today` (both included)."""
    return Q(valid_to__gte=today + datetime.timedelta(days=first), valid_to__lte=today + datetime.timedelta(days=last))
