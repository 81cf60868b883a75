"""Background tasks of the reports app, run by `manage.py db_worker` (Django's task framework)."""
from django_tasks import task

from reports.documents import record_document_build, summary_document_build
from reports.issuing import render_issued


@task()
def build_summary_document(*, document_id: int) -> str:
    """Build one semester summary PDF or workbook (reports/documents.py) and keep it."""
    return summary_document_build(document_id=document_id)


@task()
def build_record_document(*, document_id: int) -> str:
    """Build the PDF of one record (a report, minutes: reports/record_pdfs.py) and keep it."""
    return record_document_build(document_id=document_id)


@task()
def render_issued_summary(*, issued_id: int) -> str:
    """Render an issued edition of the summary once, as recorded (reports/issuing.py)."""
    return render_issued(issued_id)
