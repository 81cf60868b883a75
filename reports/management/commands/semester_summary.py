"""``manage.py semester_summary 2024S1 --lang km --output summary.pdf``: the national semester summary as a file.

Writes the same PDF as /reports/<period>/summary.pdf (or the workbook when the output ends in
.xlsx). Checks everything before writing: an unknown period, language or date is an error on stderr
with a non-zero exit, and no file is written.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mrd_ngo.management.commands.khmer_date import parse_supported_date
from reports.models import ReportingPeriod
from reports.pdf import LANGUAGES, draft_edition, render_summary_pdf
from reports.summary import build_national_summary
from reports.summary_xlsx import summary_workbook


class Command(BaseCommand):
    """``semester_summary``: write the national semester summary (PDF or XLSX) to a file."""

    @property
    def help(self):
        """Help text in the active language (argparse needs a real str)."""
        return _("Write the national semester summary as the PDF printed for the meeting (or as a workbook).")

    def add_arguments(self, parser):
        parser.add_argument("period", metavar="PERIOD", help=gettext_lazy("Semester code, e.g. 2024S1."))
        parser.add_argument("--lang", default="km", help=gettext_lazy("Edition: km (Khmer, default) or en (English)."))
        parser.add_argument(
            "--output", "-o", metavar="FILE",
            help=gettext_lazy("File to write, .pdf or .xlsx (default: semester-summary-PERIOD-LANG.pdf)."),
        )
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD", help=gettext_lazy("Date printed on the PDF (default: today, Phnom Penh)."),
        )

    def handle(self, *args, period, lang, output, date, **options):
        if lang not in LANGUAGES:
            raise CommandError(
                _("Unknown language “%(lang)s”: use km (Khmer) or en (English).") % {"lang": lang}
            )
        try:
            reporting_period = ReportingPeriod.objects.get_by_code(period)
        except ReportingPeriod.DoesNotExist:
            known = ", ".join(p.code for p in ReportingPeriod.objects.all()) or _("none")
            raise CommandError(
                _("Unknown reporting period “%(period)s”. Recorded periods: %(known)s.") % {"period": period, "known": known}
            ) from None
        try:
            printed_on = parse_supported_date(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = Path(output or f"semester-summary-{reporting_period.code}-{lang}.pdf")
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            raise CommandError(_("The output file must end in .pdf or .xlsx, not “%(name)s”.") % {"name": path.name})
        if not path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})

        summary = build_national_summary(reporting_period)
        if path.suffix.lower() == ".xlsx":
            content = summary_workbook(summary, lang)
        else:
            content = render_summary_pdf(summary, lang, edition=draft_edition(lang, printed_on))
        # Written only once everything has worked: an error never leaves a half-written file.
        path.write_bytes(content)
        self.stdout.write(_("Wrote %(path)s (%(size)s bytes).") % {"path": path, "size": len(content)})
