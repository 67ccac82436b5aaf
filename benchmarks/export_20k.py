"""Time and peak Python memory of the XLSX and CSV exports of 20,000 lines.

    .venv/bin/python benchmarks/export_20k.py
    bin/with-postgres .venv/bin/python benchmarks/export_20k.py

Builds its plan in a throwaway database of its own (see import_20k.py).
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
from django.http import QueryDict  # noqa: E402
from import_20k import throwaway_database  # noqa: E402

from measures.models import Unit  # noqa: E402
from reports import exports  # noqa: E402
from reports.filters import filtered_lines  # noqa: E402
from reports.tables import MeasuresTable  # noqa: E402
from tests.test_measures_table_queries import bulk_plan  # noqa: E402


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


def main():
    user = User.objects.create(username="bench", is_superuser=True)
    units = [Unit.objects.create(code=code, name=code) for code in ("A", "B")]
    plan = bulk_plan(20_000, units)[0]

    def table():
        query = QueryDict(f"plan={plan.pk}&as_of=2000-08-31")
        _, lines, as_of = filtered_lines(query, user)
        return MeasuresTable(lines, as_of=as_of), lines

    def xlsx():
        with exports.xlsx_file(*table(), title="Measures") as file:
            return len(file.read())

    def csv():
        return sum(len(chunk.encode()) for chunk in exports.csv_chunks(*table()))

    measure("XLSX, 20,000 lines", xlsx)
    measure("CSV, 20,000 lines", csv)


if __name__ == "__main__":
    with throwaway_database():
        main()
