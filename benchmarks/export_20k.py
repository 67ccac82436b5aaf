"""Time and peak Python memory of the XLSX and CSV exports of 20,000 lines.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/export_20k.py

Builds its own plan in the database it is given (use a throwaway one).
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import QueryDict  # noqa: E402

from measures import exports  # noqa: E402
from measures.filters import filtered_lines  # noqa: E402
from measures.models import Unit  # noqa: E402
from measures.tables import MeasuresTable  # noqa: E402
from tests.test_measures_table_queries import bulk_plan  # noqa: E402

call_command("migrate", verbosity=0)
user = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})[0]
units = [Unit.objects.get_or_create(code=c, defaults={"name": c})[0] for c in ("A", "B")]
plan = bulk_plan(20_000, units)[0]


def measure(label, run):
    """Time without tracing (tracemalloc slows Python down several times), then peak memory."""
    start = time.perf_counter()
    size = run()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label}: {elapsed:.1f} s, peak {peak / 2**20:.1f} MiB, {size / 2**20:.1f} MiB file")


def table():
    _, lines, as_of = filtered_lines(QueryDict(f"plan={plan.pk}&as_of=2000-08-31"), user)
    return MeasuresTable(lines, as_of=as_of), lines


def xlsx():
    with exports.xlsx_file(*table(), title="Measures") as file:
        return len(file.read())


def csv():
    return sum(len(chunk.encode()) for chunk in exports.csv_chunks(*table()))


measure("XLSX, 20,000 lines", xlsx)
measure("CSV, 20,000 lines", csv)
