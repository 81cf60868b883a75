"""Fixtures of the API tests: the permission matrix's world, and a token per role."""
import datetime

import pytest
from django.test import Client

from api.services import api_token_create
from reports.choices import ReportStatus
from tests.factories import (
    AgreementFactory, IndicatorValueFactory, NGOFactory, ProgressReportFactory, ReportingPeriodFactory, UserFactory,
)

ROLES = ["anonymous", "no_role", "provincial", "officer", "head", "admin"]


@pytest.fixture
def world(siem_reap, battambang):
    """Rows in Siem Reap (the provincial officer's) and in Battambang (not theirs)."""
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    here = AgreementFactory(provinces=[siem_reap], ngo__name_en="Here NGO", valid_to=datetime.date(2030, 12, 31))
    there = AgreementFactory(provinces=[battambang], ngo__name_en="Elsewhere NGO", valid_to=datetime.date(2030, 12, 31))
    report_here = ProgressReportFactory(agreement=here, period=period)
    IndicatorValueFactory(report=report_here, province=siem_reap)
    report_there = ProgressReportFactory(agreement=there, period=period)
    IndicatorValueFactory(report=report_there, province=battambang)
    # NGOs with an agreement in force and no report yet: where a new report may be entered.
    fresh_here = AgreementFactory(provinces=[siem_reap], ngo=NGOFactory(name_en="New here"), valid_to=datetime.date(2030, 12, 31))
    fresh_there = AgreementFactory(provinces=[battambang], ngo=NGOFactory(name_en="New there"),
                                   valid_to=datetime.date(2030, 12, 31))
    return {"period": period, "here": here, "there": there, "report_here": report_here, "report_there": report_there,
            "fresh_here": fresh_here, "fresh_there": fresh_there}


def user_of(role, request):
    if role == "anonymous":
        return None
    if role == "no_role":
        return UserFactory(username="nobody")
    return request.getfixturevalue({"provincial": "provincial_user", "officer": "officer_user", "head": "head_user",
                                    "admin": "admin_user"}[role])


class TokenClient(Client):
    """Django's test client sending `Authorization: Bearer <token>` (no session, no cookie)."""

    def __init__(self, token: str | None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        super().__init__(headers=headers, **kwargs)

    def json(self, method: str, path: str, data=None):
        if data is None:
            return getattr(self, method)(path)
        return getattr(self, method)(path, data=data, content_type="application/json")


def token_for(user) -> str:
    return api_token_create(user=user, name="test", days=30)[1]


@pytest.fixture
def api_client():
    """A client with a token of `user` (None: no token)."""
    return lambda user: TokenClient(token_for(user) if user is not None else None)


def draft(report):
    report.refresh_from_db()
    report.status = ReportStatus.DRAFT
    report.save()
    return report
