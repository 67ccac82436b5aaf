"""Time and peak Python memory of importing a 20,000-row plan workbook, side by side with
openpyxl's own reading of the same file (load it, read every cell): interleaved runs, medians,
the ratio (goal: import ≤ 2× openpyxl, peak < 300 MB).

    .venv/bin/python benchmarks/import_20k.py
    bin/with-postgres .venv/bin/python benchmarks/import_20k.py

Works in a database of its own, made and dropped as Django's test runner does: a file in /tmp
on SQLite, test_<name> on PostgreSQL (so the database DATABASE_URL names need not exist).
The workbook is written by `write_plan`, from a plan built with bulk_create and rolled back.
"""

import datetime
import gc
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# As Django's test runner does: DEBUG's log of every query is not what an import costs.
settings.DEBUG = False

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from measures.importing import compare_plan, import_plan, read_plan, write_plan  # noqa: E402
from measures.models import (  # noqa: E402
    ActionLine,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
)
from outcomes.models import Output  # noqa: E402

SYMBOL = "GB.999/BENCH/1"
AS_OF = datetime.date(2022, 10, 31)
TIMELINES = ["Décembre 2022", "2021-2023", "De manière continue", "Fin 2023", "Mars 2024"]
# 10 parts × 98 questions × 20 lines, a sentence and an output row after every 7 questions:
# 19,896 rows with the title rows, just under IMPORT_MAX_ROWS (20,000).
PARTS, QUESTIONS, LINES, GROUP = 10, 98, 20, 7


@contextmanager
def throwaway_database():
    """A migrated database of its own, dropped afterwards, as the test runner makes one."""
    if connection.vendor == "sqlite":
        # Django's default would be in memory: not what a real import meets.
        connection.settings_dict["TEST"]["NAME"] = os.path.join(
            tempfile.gettempdir(), f"ilo-bench-{os.getpid()}.sqlite3"
        )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(label, run, detail=lambda result: ""):
    """Peak memory in a rolled-back transaction (tracemalloc slows Python down several
    times), then the time of a run that stays. Returns what the timed run returned."""
    with transaction.atomic():
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        transaction.set_rollback(True)
    start = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.1f} s, peak {peak / 2**20:.0f} MiB{detail(result)}")
    return result


def bulk_plan(symbol, parts, questions, lines):
    """Parts × questions × lines, each line with a status and each run of GROUP questions
    linked to one output (run load_reference_data first), built with bulk_create."""
    plan = Plan.objects.create(
        symbol=symbol, title=f"Plan d'essai de {parts * questions * lines} lignes", date=AS_OF
    )
    parts = Part.objects.bulk_create(
        Part(plan=plan, order=p, number=str(p), title=f"Partie {p} – Thème {p}")
        for p in range(1, parts + 1)
    )
    questions = Question.objects.bulk_create(
        Question(part=part, order=q, code=f"{p}.{q}", title=f"Mesure proposée {p}.{q}")
        for p, part in enumerate(parts, start=1)
        for q in range(1, questions + 1)
    )
    lines = ActionLine.objects.bulk_create(
        ActionLine(
            question=question,
            order=i,
            text=f"Réalisation attendue {question.code}/{i}",
            timeline=TIMELINES[(n + i) % len(TIMELINES)],
        )
        for n, question in enumerate(questions)
        for i in range(1, lines + 1)
    )
    categories = list(StatusCategory)
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            action_line=line,
            as_of=AS_OF,
            category=categories[n % len(categories)],
            narrative=f"Travaux en cours ({n}).",
        )
        for n, line in enumerate(lines)
    )
    outputs = list(Output.objects.all()[:10])
    through = Question.outputs.through
    through.objects.bulk_create(
        through(question_id=question.pk, output_id=outputs[n // GROUP % len(outputs)].pk)
        for n, question in enumerate(questions)
    )
    return plan


def generated_workbook():
    with transaction.atomic():
        workbook = write_plan(bulk_plan(SYMBOL, PARTS, QUESTIONS, LINES))
        transaction.set_rollback(True)
    return workbook


def openpyxl_reading(workbook):
    """What openpyxl alone does with the file: load it, read every cell, free it."""
    book = load_workbook(io.BytesIO(workbook), data_only=True)
    cells = sum(1 for sheet in book.worksheets for row in sheet.iter_rows() for _cell in row)
    del book
    gc.collect()  # its cells, sheets and workbook point to one another (scale.py, importing)
    return cells


def settle():
    """Run untimed before each timed run of either side. openpyxl's reading hands much of its
    memory back to the system, and whatever runs next (the reading again or the import) took
    about 70 ms more to take it back: this takes it back first, for both sides alike."""
    allocated = [[n, str(n)] for n in range(1_500_000)]
    del allocated
    gc.collect()


def first_import(workbook):
    """Read and import the file into a plan that does not exist yet, then roll back."""
    with transaction.atomic():
        changes = import_plan(read_plan(workbook, "bench.xlsx"))
        check_deferred_constraints()
        transaction.set_rollback(True)
    gc.collect()
    return changes


def check_deferred_constraints():
    """Run the foreign key checks a commit would run. PostgreSQL defers them to the commit
    (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED) and a rollback skips them, yet
    a real import pays for them: about a tenth of its time. SQLite checks as it inserts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def side_by_side(workbook, runs=5):
    """Interleaved runs of openpyxl's reading and of the import: (medians, min–max)."""
    times = {"openpyxl": [], "import": []}
    gc.freeze()  # a collection then walks only what each run made
    for _run in range(runs):
        for label, run in (("openpyxl", openpyxl_reading), ("import", first_import)):
            settle()
            start = time.perf_counter()
            run(workbook)
            times[label].append(time.perf_counter() - start)
    gc.unfreeze()
    for label, values in times.items():
        print(
            f"  {label}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}, {runs} runs)"
        )
    ratio = statistics.median(times["import"]) / statistics.median(times["openpyxl"])
    print(f"  ratio import / openpyxl: {ratio:.2f} (goal ≤ 2)")
    # On a shared machine the load drifts between runs: each import beside the reading just
    # before it says more than medians taken apart.
    pairs = [b / a for a, b in zip(times["openpyxl"], times["import"], strict=True)]
    print(
        f"  ratio run by run: median {statistics.median(pairs):.2f} "
        f"(min {min(pairs):.2f}, max {max(pairs):.2f})"
    )


def main():
    with throwaway_database():
        call_command("load_reference_data", stdout=io.StringIO())
        start = time.perf_counter()
        workbook = generated_workbook()
        print(
            f"{connection.vendor}, workbook of {len(workbook) / 2**20:.1f} MiB "
            f"written in {time.perf_counter() - start:.1f} s"
        )
        print("read_plan + import_plan (first import) beside openpyxl's load and read:")
        side_by_side(workbook)
        parsed = measure("read_plan", lambda: read_plan(workbook, "bench.xlsx"))
        measure("openpyxl load and read", lambda: openpyxl_reading(workbook))
        first = measure(
            f"import_plan, first ({parsed.row_count:,} rows)", lambda: import_plan(parsed)
        )
        again = measure("import_plan, same file again", lambda: import_plan(parsed))
        measure("compare_plan (dry run)", lambda: compare_plan(parsed))
        for label, changes in [("first", first), ("again", again)]:
            counts = ", ".join(
                f"{kind} +{count.create} ~{count.update}" for kind, count in changes.counts.items()
            )
            print(f"  {label}: {counts}; {len(changes.warnings)} warnings")
        print(f"  timelines not read: {len(list(parsed.unread_timelines()))}")
        print(f"peak resident memory of this process: {peak_rss_mib():.0f} MiB")


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
