"""Pages against their own SQL: plan page (1,000 lines and 78 lines), My measures (2,000
lines), measures table (overdue, 10,000 lines) and the admin changelist, and every page's fixed
cost (the profile page, a bare signed-in page, against the health check), side by side,
interleaved, medians.

    .venv/bin/python benchmarks/readmodel_quick.py
    bin/with-postgres .venv/bin/python benchmarks/readmodel_quick.py

"Raw SQL" is the page's own queries, run again through a bare cursor. Production settings, in a
throwaway database of its own.
"""

import datetime
import importlib
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_tracker.settings")
# As deployed (deploy/serve, benchmarks/scale.py): connections kept across requests. A new
# SQLite connection reads the schema again and prepares every statement anew (about 8 ms on a
# page of a dozen queries).
os.environ.update(
    DEBUG="false", SECRET_KEY="benchmark-only", ALLOWED_HOSTS="testserver", CONN_MAX_AGE="60"
)

from django.conf import settings  # noqa: E402

# No collectstatic needed: the pages' asset URLs cost the same either way.
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Loaded as gunicorn loads it (the app set up, then the garbage collector's startup objects
# frozen), not by django.setup() alone.
importlib.import_module("ilo_tracker.wsgi")

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from import_20k import throwaway_database  # noqa: E402

from measures.models import (  # noqa: E402
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
    Unit,
)

AS_OF = datetime.date(2026, 6, 30)
PLANS, QUESTIONS, LINES, UPDATES = 10, 100, 10, 5
RUNS = int(os.environ.get("RUNS", 15))


def build():
    """10 plans × 100 questions × 10 lines, and one of 26 questions × 3 lines (the size of
    GB.279/TC/2); 5 updates a line and one a question."""
    rng = random.Random(11)
    unit, other = Unit.objects.bulk_create([Unit(code="MINE", name="Mine"), Unit(code="X")])
    categories = StatusCategory.values
    for p, (question_count, line_count) in enumerate([(QUESTIONS, LINES)] * PLANS + [(26, 3)]):
        plan = Plan.objects.create(symbol=f"GB.{p}/B/1", title=f"Plan {p}")
        part = Part.objects.create(plan=plan, order=1, number="I", title="Partie I")
        questions = Question.objects.bulk_create(
            Question(part=part, order=q, code=f"{q}.", title=f"Question {q}")
            for q in range(question_count)
        )
        lines = ActionLine.objects.bulk_create(
            ActionLine(
                question=question,
                order=i,
                text=f"Ligne d'action {question.order}.{i} " * 5,
                timeline="D'ici la fin de 2026",
                deadline_kind=DeadlineKind.DATED,
                due_date=AS_OF + datetime.timedelta(days=rng.randint(-300, 300)),
            )
            for question in questions
            for i in range(line_count)
        )
        ActionLine.units.through.objects.bulk_create(
            ActionLine.units.through(actionline=line, unit=unit if p < 2 else other)
            for line in lines
        )
        StatusUpdate.objects.bulk_create(
            [
                StatusUpdate(
                    action_line=line,
                    as_of=AS_OF - datetime.timedelta(days=rng.randint(-100, 700)),
                    category=rng.choice(categories),
                    narrative="État des travaux " * 10,
                )
                for line in lines
                for _ in range(UPDATES)
            ]
            + [
                StatusUpdate(
                    question=question,
                    as_of=AS_OF - datetime.timedelta(days=rng.randint(0, 400)),
                    category=rng.choice(categories),
                )
                for question in questions
            ]
        )
    user = User.objects.create_superuser("bench", "b@example.org", "x")
    user.units.add(unit)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, Plan.objects.order_by("pk").first(), Plan.objects.order_by("pk").last()


def page(client, url):
    def run():
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def raw_sql(client, url):
    """The page's queries, captured once, then run through a bare cursor."""
    with CaptureQueriesContext(connection) as captured:
        page(client, url)()
    # A server-side cursor (PostgreSQL, for a form's choices) is read here as a plain query.
    queries = [
        re.sub(r"^DECLARE .*? CURSOR .*? FOR ", "", q["sql"]) for q in captured.captured_queries
    ]

    def run():
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    return run, len(queries)


def explain(plan):
    """Which indexes the status lookups use (EXPLAIN QUERY PLAN; on PostgreSQL EXPLAIN ANALYZE,
    with its execution time and whether JIT ran)."""
    lines = ActionLine.objects.filter(question__part__plan=plan).with_marks_as_of(AS_OF)
    sql, params = lines.values_list("pk", "status_update_id", "is_overdue").query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = [str(row[-1]) for row in cursor.fetchall()]  # the plan's words, row by row
    used = {word for row in rows for word in row.replace('"', " ").split() if "_idx" in word}
    print(f"status lookups of a plan's lines use: {', '.join(sorted(used))}")
    for row in rows:
        if "Execution Time" in row or "JIT" in row:
            print(f"  {row.strip()}")


def timed(run):
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def compare(label, runs):
    """Interleaved runs of each named callable; medians, min–max and ratios to the first."""
    for run in runs.values():
        run()  # warm up
    times = {name: [] for name in runs}
    for _ in range(RUNS):
        for name, run in runs.items():
            times[name].append(timed(run))
    medians = {name: statistics.median(values) for name, values in times.items()}
    parts = []
    for name, values in times.items():
        parts.append(f"{name} {medians[name]:.1f} ms ({min(values):.1f}–{max(values):.1f})")
    names = list(runs)
    ratios = ", ".join(f"{medians[names[0]] / medians[other]:.2f}× {other}" for other in names[1:])
    print(f"{label}: {'; '.join(parts)} → {ratios}")


def main():
    with throwaway_database():
        user, plan, small = build()
        if connection.vendor == "postgresql" and os.environ.get("JIT") == "on":
            with connection.cursor() as cursor:
                cursor.execute("SET jit = on")  # the settings turn it off; compare
        explain(plan)
        client = Client()
        client.force_login(user)
        as_of = AS_OF.isoformat()
        print(
            f"{connection.vendor}: {ActionLine.objects.count()} lines, "
            f"{StatusUpdate.objects.count()} updates; {RUNS} interleaved runs"
        )
        for label, url in [
            ("plan page, 1,000 lines", f"/plans/{plan.pk}/?as_of={as_of}"),
            ("plan page, 78 lines", f"/plans/{small.pk}/?as_of={as_of}"),
            ("My measures, 2,000 lines", "/"),
            ("measures table, overdue", f"/measures/?overdue=1&as_of={as_of}"),
        ]:
            sql, count = raw_sql(client, url)
            runs = {"page": page(client, url), f"raw SQL ({count} queries)": sql}
            if label.startswith("measures table"):
                runs["admin changelist"] = page(client, "/admin/measures/actionline/")
            compare(label, runs)
        sql, count = raw_sql(client, "/profile/")
        runs = {"profile page": page(client, "/profile/"), f"raw SQL ({count} queries)": sql}
        compare("fixed cost", {**runs, "/healthz": page(client, "/healthz")})


if __name__ == "__main__":
    main()
