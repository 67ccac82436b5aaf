import datetime
import io
import os

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.utils import translation

from measures.models import Plan, Unit
from measures.policy import MANAGERS_GROUP, STAFF_GROUP
from reports import documents
from tests import servers
from tests.factories import (
    build_gb279_like,
    build_world,
    make_plan,
    make_user,
    module_rows,
)
from tests.plan_workbooks import import_fixture


def pytest_configure(config):
    # Real hashers are slow on purpose; the tests sign users in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise reads the headers of every static file (a thousand) when its middleware
    # starts, and each test's client starts it anew: a third of a simple test's time. It looks
    # files up on request instead, as in development; the real-server tests serve them as
    # production does.
    settings.WHITENOISE_AUTOREFRESH = True


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run leaves out the tests marked `one_database`: they read no database,
    or do the same database work as a test that runs on both (another language's run of a
    browser round; the layout of PDF, Word and phone pages, whose queries the annex and page
    tests run), so a second run would only repeat the SQLite run's result."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    skipped = [item for item in items if item.get_closest_marker("one_database")]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker("one_database")]


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: LocaleMiddleware leaves active the language of
    the last request a test made, which the next test would otherwise run in."""
    translation.deactivate()


# Playwright's sync API runs an event loop in the test thread; database access from the test
# body would otherwise raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# What `load_reference_data` writes on empty tables, by model; filled by its first run.
_reference_rows = {}


@pytest.fixture
def reference_data(db):
    """The real frameworks and units from fixtures/, as `load_reference_data` writes them.

    The command takes seconds (it imports five frameworks row by row) and some sixty tests
    start from its result. It runs once per run on empty tables; every later test starting on
    empty tables gets the same rows, history included, by bulk inserts. Tests that made
    plans or units of their own first still run the command itself.
    """
    models = [
        model
        for app in ("outcomes", "measures")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    empty = not any(model._base_manager.exists() for model in models)
    if empty and _reference_rows:
        # Foreign keys are checked at commit on both databases: any order of tables will do.
        with transaction.atomic():
            for model, rows in _reference_rows.items():
                model._base_manager.bulk_create(model(**row) for row in rows)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), _reference_rows):
                cursor.execute(statement)
        return
    call_command("load_reference_data", stdout=io.StringIO())
    if empty:
        for model in models:
            if rows := list(model._base_manager.values()):
                _reference_rows[model] = rows


@pytest.fixture
def frozen_today():
    """Today is 15 September 2000 (`factories.TODAY`), 10:00 UTC."""
    with time_machine.travel(datetime.datetime(2000, 9, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def pardev(db):
    return Unit.objects.get_or_create(code="PARDEV", defaults={"name": "Partnerships"})[0]


@pytest.fixture
def program_unit(db):
    return Unit.objects.get_or_create(code="PROGRAM", defaults={"name": "Programming"})[0]


@pytest.fixture
def staff_user(pardev):
    """A secretariat staff member of PARDEV."""
    return make_user("alice", STAFF_GROUP, [pardev])


@pytest.fixture
def other_staff_user(program_unit):
    """A staff member of another unit, with no right on PARDEV's lines."""
    return make_user("bob", STAFF_GROUP, [program_unit])


@pytest.fixture
def focal_point(pardev):
    """PARDEV's focal point, who clears its updates without being a member of it."""
    user = make_user("fiona", STAFF_GROUP)
    pardev.focal_points.add(user)
    return user


@pytest.fixture
def manager_user(db):
    return make_user("maria", MANAGERS_GROUP)


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", "root@example.org", "root-pass-2026")


# Real browser: Playwright drives Debian's Chromium (`playwright install` cannot download here).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # While Playwright's event loop runs, Django keeps the connections this thread opens
        # apart from those it opened before (asgiref's Local): close them while they can still
        # be reached, or one stays open and the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) on the live server; closed after the test."""
    contexts = []

    def open_page(user=None, password=None, language="en"):
        context = browser.new_context(base_url=live_server.url, locale=language)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if user is not None:
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a file, not memory: a real task worker process can open it too
    (tests/test_faults.py). Commits skip fsync, as the suite's PostgreSQL runs with
    fsync=off (bin/with-postgres): a throwaway database need not survive a power cut, and
    each fsync costs ~25 ms here, once per commit of every transactional test and flush."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
        database.setdefault("OPTIONS", {})["init_command"] = "PRAGMA synchronous=OFF"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real-server tests' databases are copies of the test database as just migrated
    (tests/servers.py), not of one more `migrate`."""
    with django_db_blocker.unblock():
        servers.keep_as_template(connection, os.environ.get("DATABASE_URL", ""))


@pytest.fixture
def world(client, manager_user, pardev, program_unit):
    """The table tests' hand-computed plans, with a manager signed in on `client`."""
    client.force_login(manager_user)
    return build_world(pardev, program_unit)


@pytest.fixture(scope="module")
def world_rows(django_db_setup, django_db_blocker):
    """`build_world` once for a module (`module_rows`), with the units of `pardev` and
    `program_unit`: for modules whose every database test starts from it. Tests take a copy
    (`copy.deepcopy`), so that one changing an instance leaves the next its own."""

    def build():
        pardev = Unit.objects.create(code="PARDEV", name="Partnerships")
        program_unit = Unit.objects.create(code="PROGRAM", name="Programming")
        return build_world(pardev, program_unit)

    yield from module_rows(django_db_blocker, build)


PASSWORD = "alice-pass-2026"


@pytest.fixture
def signed_in(client, staff_user):
    client.login(username="alice", password=PASSWORD)
    return client


@pytest.fixture
def gb279(db):
    return build_gb279_like(questions=2)


@pytest.fixture(scope="module")
def imported_gb279(django_db_setup, django_db_blocker):
    """The id of the real GB.279/TC/2 plan of fixtures/, imported once for a whole module
    (`module_rows`)."""

    def build():
        import_fixture("GB.279-TC-2.xlsx")
        return Plan.objects.get(symbol="GB.279/TC/2").pk

    yield from module_rows(django_db_blocker, build)


@pytest.fixture
def immediate_tasks(settings, tmp_path, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(documents, "BACKGROUND_LINES", 3)


@pytest.fixture
def alice(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def line(pardev):
    return make_plan(units=[pardev]).parts.get().questions.get().lines.get()
