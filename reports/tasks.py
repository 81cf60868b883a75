"""Background tasks of the reports app, run by `manage.py db_worker` (Django's task framework)."""
from django_tasks import task

from reports.documents import summary_document_build


@task()
def build_summary_document(*, document_id: int) -> str:
    """Build one semester summary PDF or workbook (reports/documents.py) and keep it."""
    return summary_document_build(document_id=document_id)
