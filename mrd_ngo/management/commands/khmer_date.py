"""``manage.py khmer_date 2024-07-17 [...]``: print the official Khmer date line of each date."""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mrd_ngo.khmer import western_digits
from mrd_ngo.lunar import FIRST_SUPPORTED_DATE, LAST_SUPPORTED_DATE, official_date_line

# ASCII digits only: "\d" would also accept Khmer and other Unicode digits.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_supported_date(text: str) -> datetime.date:
    """The date written ``text`` (YYYY-MM-DD, Western or Khmer digits) if the lunar calendar covers it, else ValueError."""
    if not _ISO_DATE.fullmatch(western_digits(text)):
        raise ValueError(_("“%(value)s” is not a date written YYYY-MM-DD.") % {"value": text})
    try:
        date = datetime.date.fromisoformat(western_digits(text))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a day of the calendar.") % {"value": text}) from None
    if not FIRST_SUPPORTED_DATE <= date <= LAST_SUPPORTED_DATE:
        raise ValueError(
            _("“%(value)s” is outside the supported range %(first)s to %(last)s.")
            % {
                "value": text,
                "first": FIRST_SUPPORTED_DATE.isoformat(),
                "last": LAST_SUPPORTED_DATE.isoformat(),
            }
        )
    return date


class Command(BaseCommand):
    """``khmer_date``: one official Khmer date line per date argument, on stdout."""

    # A pure conversion: no database, nothing for the system checks to guard.
    requires_system_checks = []

    @property
    def help(self):
        """Help text in the active language (argparse needs a real str, not a lazy one)."""
        return _("Print the official Khmer date line (lunar, then Gregorian) of each date.")

    def add_arguments(self, parser):
        parser.add_argument(
            "dates",
            nargs="+",
            metavar="YYYY-MM-DD",
            help=gettext_lazy("Gregorian dates from 1900-01-01 to 2100-12-31."),
        )

    def handle(self, *args, dates, **options):
        # Check every argument before printing anything, so a typo never leaves half an output.
        parsed, errors = [], []
        for text in dates:
            try:
                parsed.append(parse_supported_date(text))
            except ValueError as error:
                errors.append(str(error))
        if errors:
            raise CommandError(" ".join(errors))
        for date in parsed:
            self.stdout.write(official_date_line(date))
