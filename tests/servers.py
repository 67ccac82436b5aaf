"""Real processes for tests and benchmarks: gunicorn and `db_worker` on a database of their own.

The servers run with production settings (DEBUG off) on a fresh, migrated database of the
suite's kind: a SQLite file, or a database on the suite's PostgreSQL server (DATABASE_URL).
`Client` is a small HTTP client that keeps its own cookies: the production session cookie is
`Secure`, which the standard library's cookie jar would not send over plain HTTP on loopback.
"""

import atexit
import http.client
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
_databases = itertools.count(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url, media_root, **extra):
    """The environment of a production install, on loopback over plain HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ilo_tracker.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def run_python(env, code):
    """Run `code` with Django set up in `env`; returns what it printed."""
    return subprocess.run(
        [PYTHON, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@contextmanager
def fresh_database(suite_url=None):
    """The URL of a new migrated database of the suite's kind, dropped afterwards.

    Each is a copy of one database migrated once per process (`migrated_template`): the same
    tables and rows as `migrate` makes, without running it again for every server.
    """
    suite_url = suite_url if suite_url is not None else os.environ.get("DATABASE_URL", "")
    template = migrated_template(suite_url)
    with tempfile.TemporaryDirectory(prefix="ilo-server-") as tmp:
        if suite_url.startswith("postgres"):
            name = f"ilo_server_{os.getpid()}_{next(_databases)}"
            _postgres(suite_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            try:
                yield urllib.parse.urlsplit(suite_url)._replace(path=f"/{name}").geturl()
            finally:
                _postgres(suite_url, f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            shutil.copyfile(template, f"{tmp}/ilo.sqlite3")
            yield f"sqlite:///{tmp}/ilo.sqlite3"


# The suite's DATABASE_URL → its template: a database name on PostgreSQL, a file path on SQLite.
_templates = {}


def migrated_template(suite_url):
    """A database migrated once per process, copied by `fresh_database`, removed when the
    process exits: the suite's test database as it was just migrated (`keep_as_template`),
    or else one migrated for the purpose."""
    if suite_url not in _templates:
        template = _new_template(suite_url)
        url = (
            urllib.parse.urlsplit(suite_url)._replace(path=f"/{template}").geturl()
            if suite_url.startswith("postgres")
            else f"sqlite:///{template}"
        )
        manage({**os.environ, "DATABASE_URL": url}, "migrate", "--no-input", "-v0")
        _templates[suite_url] = template
    return _templates[suite_url]


def keep_as_template(connection, suite_url):
    """Copy the test database that `connection` has just migrated, before any test writes to
    it, as the template of `fresh_database`: one `migrate` less per run (8 s of CPU here)."""
    if suite_url in _templates:
        return
    if connection.vendor == "postgresql":
        connection.close()  # PostgreSQL copies only a database no one is connected to
        _templates[suite_url] = _new_template(suite_url, copy_of=connection.settings_dict["NAME"])
    else:
        template = _new_template(suite_url)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [template])
        _templates[suite_url] = template


def _new_template(suite_url, copy_of=None):
    """Room for a template, removed when the process exits: on PostgreSQL a new database
    (empty, or a copy of `copy_of`), on SQLite the path of a file still to be written."""
    if suite_url.startswith("postgres"):
        name = f"ilo_template_{os.getpid()}"
        source = f' TEMPLATE "{copy_of}"' if copy_of else ""
        _postgres(suite_url, f'CREATE DATABASE "{name}"{source}')
        atexit.register(_postgres, suite_url, f'DROP DATABASE "{name}" WITH (FORCE)')
        return name
    folder = tempfile.mkdtemp(prefix="ilo-template-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return f"{folder}/ilo.sqlite3"


def _postgres(suite_url, statement):
    """Run `statement` on the suite's PostgreSQL server, outside any database of the app."""
    import psycopg

    server = urllib.parse.urlsplit(suite_url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(statement)


@contextmanager
def process(args, env, ready=None, timeout=60):
    """A child process, killed with its own children on leaving; `ready()` is awaited.

    Nothing is left to finish by then, and a graceful stop of gunicorn and its workers takes
    seconds each time.
    """
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + timeout
            while ready is not None and not ready():
                if child.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{args[:3]} did not start:\n{log.read().decode()}")
                time.sleep(0.1)
            yield child
        finally:
            with suppress(ProcessLookupError):  # it died on its own: nothing left to kill
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


@contextmanager
def gunicorn(env, workers=3, ready_status=200):
    """The app under gunicorn with the deploy configuration; yields its base URL once
    /healthz answers `ready_status`."""
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        # Production pages name hashed static files; `make static` collects them so.
        manage({**env, "DEBUG": "false"}, "collectstatic", "--no-input", "-v0")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    env = {**env, "WEB_CONCURRENCY": str(workers)}
    with process(args, env, ready=lambda: _health(url) == ready_status):
        yield url


def _health(url):
    try:
        return Client(url, timeout=5).get("/healthz").status
    except OSError:
        return None


def run_task_workers(env, count=1, timeout=300):
    """Run `count` task workers (`manage.py db_worker --batch`) side by side until the queue is
    empty: a test waits for them to exit instead of polling the queue from yet another process."""
    with ExitStack() as stack:
        workers = [
            stack.enter_context(
                process(
                    [PYTHON, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
                    env,
                )
            )
            for _ in range(count)
        ]
        for worker in workers:
            worker.wait(timeout=timeout)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode()


class Client:
    """HTTP/1.1 to a server on loopback: one connection per request, cookies kept by hand."""

    def __init__(self, base_url, cookies=None, timeout=60):
        self.address = urllib.parse.urlsplit(base_url).netloc
        self.cookies = dict(cookies or {})
        self.timeout = timeout

    def request(self, method, path, fields=None, files=None):
        """`files` maps a field name to (file name, bytes): sent as multipart/form-data."""
        headers = {"Host": self.address.split(":")[0]}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            boundary = secrets.token_hex(16)
            body = _multipart(boundary, fields or {}, files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.address, timeout=self.timeout)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            connection.close()
        for cookie in result.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return result

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, files=None):
        return self.request("POST", path, fields, files)

    def form_fields(self, response):
        """The hidden inputs of a page's forms (CSRF token, seen update) by name."""
        fields = {}
        for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", response.text):
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name[1]] = value[1] if value else ""
        return fields


def _multipart(boundary, fields, files):
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


SESSIONS_CODE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
for username in {usernames!r}:
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)
"""


def signed_in_cookies(env, usernames):
    """Session cookies of `usernames`, made directly: signing in 50 clients through the login
    form would spend most of a test on password hashing."""
    return seed(env, "", usernames)[1]


def seed(env, code, usernames):
    """Run `code` (writing a test's rows, `usernames` among them), then make those users'
    session cookies, in one process: each start of Django costs seconds of CPU. Returns what
    `code` printed and the cookies."""
    lines = run_python(env, code + SESSIONS_CODE.format(usernames=list(usernames))).splitlines()
    cut = len(lines) - len(usernames)
    return "\n".join(lines[:cut]), [{"sessionid": key} for key in lines[cut:]]
