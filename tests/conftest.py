"""Fixtures shared by every test: users of each role, provinces."""
import pytest

from agreements.models import Province
from mrd_ngo.roles import Role
from tests.factories import HEAD_DEPARTMENT, UserFactory


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_modify_db_settings, django_db_blocker):
    """Whether to build the test database afresh: with --create-db, and also when `--reuse-db` finds a
    kept database without the rows its migrations loaded (a run stopped inside a transactional test,
    which empties the database; the migrations that load those rows would not run again)."""
    if request.config.getvalue("create_db"):
        return True
    if not request.config.getvalue("reuse_db"):
        return False
    import psycopg
    from django.db import connections

    default = connections["default"]
    kept = type(default)({**default.settings_dict, "NAME": default.creation._get_test_db_name()})
    try:  # psycopg itself: a Django connection would look up its alias's (the main database's) types
        with psycopg.connect(**kept.get_connection_params()) as conn:
            complete = conn.execute("SELECT EXISTS (SELECT 1 FROM auth_group)").fetchone()[0]
    except psycopg.Error:  # no kept database yet (it is created), or one from before the first migration
        return False
    return not complete


@pytest.fixture(scope="session")
def migrated_data_snapshot(django_db_setup, django_db_blocker):
    """The rows the migrations loaded into the test database, serialized (see tests/e2e).

    Put back when the session ends if a transactional test emptied the database last, so that a
    database kept with `--reuse-db` is whole for the next run.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        snapshot = getattr(connection, "_test_serialized_contents", None) or connection.creation.serialize_db_to_string()
    yield snapshot
    with django_db_blocker.unblock():
        _restore_migrated_rows(snapshot)
        connection.close()


def _restore_migrated_rows(snapshot: str) -> None:
    """Empty the database and load `snapshot`, unless it still holds the migrated rows."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    if not Group.objects.exists():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(autouse=True)
def _migrated_rows_in_transactional_tests(request):
    """A transactional test (rows really committed: for a server, a worker, a thread, the browser)
    starts with what the migrations loaded: provinces, sectors, role groups, permissions.

    Each such test empties the database when it ends. Django's own reload (`serialized_rollback`)
    writes the snapshot over the permissions that the flush's post-migrate step re-created under
    other ids, and fails on their unique names; Playwright's `page` runs tests where the connection
    lacks the snapshot. So: flush without post-migrate, then load the snapshot, here, for all of them.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) and "transactional_db" not in request.fixturenames:
        return
    from django.db import connection

    snapshot = request.getfixturevalue("migrated_data_snapshot")
    request.getfixturevalue("transactional_db")
    connection._test_serialized_contents = snapshot
    _restore_migrated_rows(snapshot)


@pytest.fixture(autouse=True)
def _login_throttling_only_where_tested(request, settings):
    """django-axes refuses `client.login()` (no request); tests of throttling opt in with @pytest.mark.axes."""
    settings.AXES_ENABLED = request.node.get_closest_marker("axes") is not None


@pytest.fixture(autouse=True)
def _default_language_in_each_test():
    """Each test starts and ends with no language activated, as a fresh process (manage.py, a worker) does,
    so Django uses LANGUAGE_CODE (Khmer).

    A request in English activates English for the thread (LocaleMiddleware never deactivates it): without
    this, the next test on the same xdist worker would run in English. Deactivating, rather than
    activating LANGUAGE_CODE, also follows a test's own `settings.LANGUAGE_CODE`, whichever fixture is
    torn down first. Both ends: a language left by a fixture of wider scope is cleared as well.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def siem_reap(db):
    return Province.objects.get(code="17")


@pytest.fixture
def battambang(db):
    return Province.objects.get(code="02")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin_user", role=Role.ADMINISTRATOR)


@pytest.fixture
def head_user(db):
    return UserFactory(username="head_user", role=Role.DEPARTMENT_HEAD, department=HEAD_DEPARTMENT)


@pytest.fixture
def other_head_user(db):
    """A department head of another department than the agreements the factories make."""
    return UserFactory(username="other_head_user", role=Role.DEPARTMENT_HEAD, department="rural-roads")


@pytest.fixture
def officer_user(db):
    return UserFactory(username="officer_user", role=Role.DATA_ENTRY_OFFICER)


@pytest.fixture
def provincial_user(db, siem_reap):
    return UserFactory(username="provincial_user", role=Role.PROVINCIAL_OFFICER, province=siem_reap)


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="no_role_user")
