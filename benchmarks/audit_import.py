"""What the audit trail costs an import: the same workbook imported with and without history.

    .venv/bin/python benchmarks/audit_import.py
    bin/with-postgres .venv/bin/python benchmarks/audit_import.py

Side by side and interleaved (on, off, on, off…), each import rolled back; prints the medians
and their ratio. Uses import_20k's throwaway database and generated plan, 2 parts (3,980 rows).
"""

import io
import statistics
import time

import import_20k
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from measures.importing import import_plan, read_plan, write_plan

RUNS = 5


def timed(parsed):
    with transaction.atomic():
        start = time.perf_counter()
        import_plan(parsed)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def main():
    with import_20k.throwaway_database():
        call_command("load_reference_data", stdout=io.StringIO())
        with transaction.atomic():
            plan = import_20k.bulk_plan(import_20k.SYMBOL, 2, import_20k.QUESTIONS, 20)
            workbook = write_plan(plan)
            transaction.set_rollback(True)
        parsed = read_plan(workbook, "bench.xlsx")
        times = {"with history": [], "without": []}
        for _run in range(RUNS):
            times["with history"].append(timed(parsed))
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                times["without"].append(timed(parsed))
        medians = {label: statistics.median(runs) for label, runs in times.items()}
        print(f"{connection.vendor}, first import of {parsed.row_count:,} rows, {RUNS} runs each")
        for label, median in medians.items():
            print(f"  {label}: median {median:.2f} s")
        print(f"  ratio: {medians['with history'] / medians['without']:.2f}")


if __name__ == "__main__":
    main()
