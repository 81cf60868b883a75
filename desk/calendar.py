"""A user's calendar feed (iCalendar, RFC 5545): report due dates and agreement ends in their scope.

Outlook, Thunderbird and phones subscribe to one private address per user (`CalendarFeed.key`); a new
key revokes the old address. What the feed holds is what the user may see (`visible_to`), narrowed
to their department's agreements for a department head. The file is small and written here: all-day
events only, text escaped and lines folded as RFC 5545 says (no iCalendar package is installed yet;
`icalendar` would replace `_line`/`_escape` if the project adds it).
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Agreement
from mrd_ngo.khmer import format_date, semester_label
from mrd_ngo.roles import Role, user_department_id, user_role
from reports.models import ReportingPeriod

# Agreements that ended this long ago still show (a renewal may be late); older ones are history.
PAST_DAYS = 90


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _line(name: str, value: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    data = f"{name}:{value}".encode()
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a multi-byte character: cut before it
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts)


def _event(uid: str, day: datetime.date, summary: str, url: str, stamp: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        _line("UID", uid),
        _line("DTSTAMP", stamp),
        _line("DTSTART;VALUE=DATE", day.strftime("%Y%m%d")),
        _line("DTEND;VALUE=DATE", (day + datetime.timedelta(days=1)).strftime("%Y%m%d")),
        _line("SUMMARY", _escape(summary)),
        _line("URL", url),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def feed_agreements(user, today: datetime.date | None = None):
    """The agreements whose end the user's calendar shows: signed, not terminated or renewed, ending from
    PAST_DAYS ago on, among those they may see (a department head: their department's)."""
    today = today or timezone.localdate()
    agreements = (
        Agreement.objects.visible_to(user).filter(signed_on__isnull=False, terminated_on__isnull=True,
                                                  valid_to__gte=today - datetime.timedelta(days=PAST_DAYS))
        .exclude(successor__signed_on__isnull=False).select_related("ngo").order_by("valid_to", "pk")
    )
    if user_role(user) == Role.DEPARTMENT_HEAD:
        agreements = agreements.filter(department_id=user_department_id(user))
    return agreements


def calendar_text(user, lang: str = "km", today: datetime.date | None = None) -> str:
    """The iCalendar file of `user`'s feed, its texts in `lang`."""
    today = today or timezone.localdate()
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    site = settings.SITE_URL
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//MRD//NGO cooperation tracker//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    with translation.override(lang):
        lines.append(_line("X-WR-CALNAME", _escape(_("MRD – NGO cooperation"))))
        for period in ReportingPeriod.objects.filter(due_date__gte=today - datetime.timedelta(days=PAST_DAYS)):
            summary = _("Reports of %(period)s due") % {"period": semester_label(period.year, period.half, lang)}
            lines += _event(f"period-{period.code}-due@mrd-ngo", period.due_date, summary,
                            site + f"/reports/{period.code}/completeness/", stamp)
        for agreement in feed_agreements(user, today):
            summary = _("Agreement %(reference)s of %(ngo)s ends (%(date)s)") % {
                "reference": agreement.reference_number, "ngo": agreement.ngo.name,
                "date": format_date(agreement.valid_to, lang)}
            lines += _event(f"agreement-{agreement.pk}-end@mrd-ngo", agreement.valid_to, summary,
                            site + agreement.get_absolute_url(), stamp)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
