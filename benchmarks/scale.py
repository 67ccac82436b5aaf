"""`make bench`: the app at production scale, side by side with what it is measured against.

    .venv/bin/python benchmarks/scale.py --out docs/performance.md

Builds the scale data (the two demo plans and `generate_scale_data --plans 40`: 42 plans,
about 10,000 lines and 50,000 status updates) on SQLite and on a throwaway PostgreSQL
(bin/with-postgres), each in a child process with production settings (DEBUG off), and
measures there:

- pages through Django's test client against the same queries replayed as raw SQL (recorded
  from the page, executed and fetched through a bare cursor) and the Django admin changelist;
- the import of a 19,893-row workbook (benchmarks/import_20k.py) against openpyxl reading
  every cell of it, as the task worker runs it (its garbage collector as Python sets it);
- the GB.279/TC/2 annex against WeasyPrint laying out a bare table of the same text, with the
  same PDF/UA tagging;
- on PostgreSQL, 50 concurrent clients against gunicorn (deploy/gunicorn.conf.py): the
  measures table against the admin changelist.

Runs are interleaved (A B B A …); each figure is the median with the min–max of its runs.
Pages run five times `--rounds` rounds: they take milliseconds, and on these shared cores
their ratios need that many runs to settle.
The figures and the goals of issue 11 go to --out (Markdown) and to the terminal.
"""

import argparse
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from report import import_rounds, page_rounds  # noqa: E402

from tests.servers import Client, gunicorn, production_env, signed_in_cookies  # noqa: E402

AS_OF = "2015-06-30"  # about a third of the generated lines are overdue then
CLIENTS = 50


# ----- in the child process: one database ------------------------------------------------


def create_database(url):
    """bin/with-postgres starts a server; the database DATABASE_URL names is made here."""
    if url.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(url)
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


def build_scale_data(lines, updates):
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from measures.models import Unit
    from measures.policy import STAFF_GROUP

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    start = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_reference_data", **quiet)
    call_command("load_demo_plans", **quiet)
    call_command(
        "generate_scale_data",
        *("--plans", "40", "--seed", "42", "--lines", str(lines), "--updates", str(updates)),
        **quiet,
    )
    built = time.perf_counter() - start
    admin = User.objects.create(username="bench-admin", is_staff=True, is_superuser=True)
    staff = User.objects.create(username="bench-staff")
    staff.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    staff.units.add(Unit.objects.get(code="SCALE1"))
    return admin, staff, built


def summary(times):
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def side_by_side(rounds, runs, settle=None):
    """Each run once to warm up, then `rounds` rounds in alternating order; `settle`, if
    given, runs untimed before every timed run, so that each follows the same thing."""
    for run in runs.values():
        run()
    times = {name: [] for name in runs}
    for n in range(rounds):
        for name in list(runs)[:: 1 if n % 2 == 0 else -1]:
            if settle:
                settle()
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)
    return {name: summary(values) for name, values in times.items()}


def page(client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def raw_sql(client, url):
    """The queries `url` runs, recorded once, replayed through a bare cursor: the page's
    database work without the ORM, the views and the templates."""
    from django.db import connection

    recorded = []

    def record(execute, sql, params, many, context):
        recorded.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page(client, url)()

    def replay():
        with connection.cursor() as cursor:
            for sql, params, many in recorded:
                (cursor.executemany if many else cursor.execute)(sql, params)
                if cursor.description:
                    cursor.fetchall()

    return replay


def pages(rounds, admin, staff):
    from django.test import Client as TestClient

    from measures.models import ActionLine, Plan

    as_admin, as_staff = TestClient(), TestClient()
    as_admin.force_login(admin)
    as_staff.force_login(staff)
    gb279 = Plan.objects.get(symbol="GB.279/TC/2")
    large = Plan.objects.get(symbol="GB.001/SCALE/1")
    measures = f"/measures/?overdue=1&as_of={AS_OF}"
    changelist = "/admin/measures/actionline/"
    urls = {
        "measures": measures,
        "gb279": f"/plans/{gb279.pk}/?as_of=2000-08-31",
        "large": f"/plans/{large.pk}/?as_of={AS_OF}",
        "large_admin": f"{changelist}?question__part__plan__id__exact={large.pk}",
        "mine": "/",
    }
    return {
        "sizes": {
            "gb279": ActionLine.objects.filter(question__part__plan=gb279).count(),
            "large": ActionLine.objects.filter(question__part__plan=large).count(),
            "mine": ActionLine.objects.of_units(staff.units.all()).count(),
            "mine_html": len(as_staff.get("/").content),
        },
        "urls": urls,
        "measures": side_by_side(
            rounds,
            {
                "page": page(as_admin, measures),
                "sql": raw_sql(as_admin, measures),
                "admin": page(as_admin, changelist),
            },
        ),
        "gb279": side_by_side(
            rounds,
            {"page": page(as_admin, urls["gb279"]), "sql": raw_sql(as_admin, urls["gb279"])},
        ),
        "large": side_by_side(
            rounds,
            {
                "page": page(as_admin, urls["large"]),
                "sql": raw_sql(as_admin, urls["large"]),
                "admin": page(as_admin, urls["large_admin"]),
            },
        ),
        "mine": side_by_side(rounds, {"page": page(as_staff, "/"), "sql": raw_sql(as_staff, "/")}),
    }


def importing(rounds):
    """import_plan of benchmarks/import_20k.py's workbook, rolled back each time, against
    openpyxl loading it (normal mode, as the importer must for merged cells) and reading
    every cell."""
    import openpyxl
    from django.db import transaction
    from import_20k import check_deferred_constraints, generated_workbook, settle

    from measures.importing import import_plan, read_plan

    workbook = generated_workbook()

    # Each run ends by collecting what it leaves. openpyxl's workbook is a web of reference
    # cycles (cells, sheets and workbook point to one another) that only the cycle collector
    # frees: left to chance, it was collected during whichever run came next, adding up to
    # 0.1 s to the next reading or to the import, the swing between one `make bench` and the
    # next. The heap held before (Django, the pages measured) is frozen meanwhile, so that a
    # collection costs each side what it made, not a walk over everything else. And each
    # timed run follows `settle`: whatever ran just after openpyxl's reading was about 70 ms
    # slower, and in alternating rounds the import's median fell on such runs more often.
    def run_import():
        with transaction.atomic():
            parsed = read_plan(workbook, "bench.xlsx")
            import_plan(parsed)
            check_deferred_constraints()  # what the commit would check
            transaction.set_rollback(True)
        gc.collect()
        return parsed.row_count

    def openpyxl_read():
        book = openpyxl.load_workbook(io.BytesIO(workbook))
        for sheet in book:
            for row in sheet.iter_rows(values_only=True):
                for _value in row:
                    pass
        del book
        gc.collect()

    rows = run_import()
    tracemalloc.start()
    run_import()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gc.freeze()
    try:
        times = side_by_side(
            rounds, {"import": run_import, "openpyxl": openpyxl_read}, settle=settle
        )
    finally:
        gc.unfreeze()
    return {"rows": rows, "peak_mib": peak / 2**20, **times}


BARE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>@page {{ size: A4 landscape; margin: 15mm }} html {{ font-family: "DejaVu Sans";
font-size: 9pt }} table {{ border-collapse: collapse; width: 100% }} td, th {{ border: 1px solid;
padding: 2pt; vertical-align: top }}</style></head><body><h1>{title}</h1><table><thead><tr>
{head}</tr></thead><tbody>{rows}</tbody></table></body></html>"""


def bare_table(annex, language):
    """The annex's text, every cell of it, in one plain table."""
    from django.utils.html import escape

    rows = []
    for part in annex.parts:
        rows.append([part.number, part.title, "", ""])
        for question in part.questions:
            rows.append(
                [question.code, f"{question.title} {question.context}", "", question.status]
            )
            rows += [["", line.text, line.timeline, line.status] for line in question.lines]
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    head = "".join(f"<th>{escape(column)}</th>" for column in annex.columns[:4])
    return BARE.format(lang=language, title=escape(annex.title), head=head, rows=body)


def annex(rounds):
    from weasyprint import HTML

    from measures.models import Plan
    from reports.annex import plan_annex
    from reports.pdf import write_pdf

    plan = Plan.objects.get(symbol="GB.279/TC/2")
    document = plan_annex(plan)
    bare = bare_table(document.body, document.language)
    counts = {}

    def render_annex():
        pages = [0]
        write_pdf(plan_annex(plan), on_page=pages.append)
        counts["annex"] = max(pages)

    def render_bare():
        rendered = HTML(string=bare).render(pdf_variant="pdf/ua-1")
        rendered.write_pdf(pdf_variant="pdf/ua-1")
        counts["bare"] = len(rendered.pages)

    times = side_by_side(rounds, {"annex": render_annex, "bare": render_bare})
    return {"pages": counts, **times}


def load(env, admin, measures_url, requests_per_client):
    """50 clients, each sending its requests one after another, against gunicorn; phases of
    the measures table and of the admin changelist alternate."""
    cookies = signed_in_cookies(env, [admin.username])[0]
    targets = {"measures": measures_url, "admin": "/admin/measures/actionline/"}
    results = {name: {"latencies": [], "errors": 0, "elapsed": 0.0} for name in targets}

    def phase(base, name):
        lock = threading.Lock()
        result = results[name]

        def client():
            http = Client(base, cookies, timeout=120)
            for _ in range(requests_per_client):
                start = time.perf_counter()
                try:
                    status = http.get(targets[name]).status
                except OSError:
                    status = None
                with lock:
                    result["latencies"].append(time.perf_counter() - start)
                    result["errors"] += status != 200

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result["elapsed"] += time.perf_counter() - start

    with gunicorn(env, workers=2 * os.cpu_count() + 1) as base:
        for name in ["measures", "admin", "admin", "measures"]:
            phase(base, name)
    out = {}
    for name, result in results.items():
        latencies = sorted(result["latencies"])
        out[name] = {
            "requests": len(latencies),
            "errors": result["errors"],
            "throughput": len(latencies) / result["elapsed"],
            "p50": statistics.median(latencies),
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        }
    return out


def measure(args):
    url = os.environ["DATABASE_URL"]
    create_database(url)
    from django.db import connection

    worker_gc = gc.get_threshold()  # the task worker's: it does not load wsgi.py
    import ilo_tracker.wsgi  # noqa: F401 - the app loaded as gunicorn loads it

    admin, staff, built = build_scale_data(args.lines, args.updates)
    from measures.models import ActionLine, Plan, StatusUpdate

    results = {
        "vendor": connection.vendor,
        "version": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else str(connection.pg_version // 10000),
        "data": {
            "plans": Plan.objects.count(),
            "lines": ActionLine.objects.count(),
            "updates": StatusUpdate.objects.count(),
            "seconds": built,
        },
    }
    print(f"{connection.vendor}: scale data built in {built:.0f} s", file=sys.stderr, flush=True)
    results["pages"] = pages(page_rounds(args.rounds), admin, staff)
    print(f"{connection.vendor}: pages measured", file=sys.stderr, flush=True)
    # A workbook of 19,893 rows is imported by the task worker (over
    # admin_import.BACKGROUND_ROWS), with the collector as Python sets it, not as wsgi.py sets
    # it for pages; openpyxl's reading, measured beside it, gets 10 % faster under the latter.
    web_gc = gc.get_threshold()
    gc.set_threshold(*worker_gc)
    results["import"] = importing(import_rounds(args.rounds))
    gc.set_threshold(*web_gc)
    print(f"{connection.vendor}: import measured", file=sys.stderr, flush=True)
    results["annex"] = annex(args.rounds)
    print(f"{connection.vendor}: annex measured", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql" and not args.no_load:
        connection.close()  # the server's workers get their own connections
        results["load"] = load(
            dict(os.environ), admin, results["pages"]["urls"]["measures"], args.requests
        )
    Path(args.json).write_text(json.dumps(results))


# ----- in the parent process: both databases, then the report ----------------------------


def run_child(args, database, out):
    with tempfile.TemporaryDirectory(prefix="ilo-bench-") as tmp:
        command = [
            sys.executable,
            __file__,
            "--measure",
            "--json",
            out,
            "--rounds",
            str(args.rounds),
            "--requests",
            str(args.requests),
            *("--lines", str(args.lines), "--updates", str(args.updates)),
            *(["--no-load"] if args.no_load else []),
        ]
        url = f"sqlite:///{tmp}/bench.sqlite3"
        env = production_env(url, Path(tmp) / "media", ALLOWED_HOSTS="testserver,127.0.0.1")
        if database == "postgresql":
            del env["DATABASE_URL"]  # bin/with-postgres gives it
            command = [str(ROOT / "bin" / "with-postgres"), *command]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    return json.loads(Path(out).read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the report (Markdown) here too")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3, help="per client, per load phase")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--lines", type=int, default=10_000, help="generated lines")
    parser.add_argument("--updates", type=int, default=50_000, help="generated status updates")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--save", help="keep the measurements here (JSON)")
    parser.add_argument("--report-from", help="write the report from saved measurements")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args)
        return
    if args.report_from:
        saved = json.loads(Path(args.report_from).read_text())
        results = saved.pop("results")
        vars(args).update(saved)
    else:
        results = {}
        load_at_start = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            for database in ["sqlite", "postgresql"]:
                if args.only in (None, database):
                    results[database] = run_child(args, database, f"{tmp}/{database}.json")
        args.load = (load_at_start, os.getloadavg()[0])
    if args.save:
        kept = {"load": args.load, "rounds": args.rounds, "requests": args.requests}
        Path(args.save).write_text(json.dumps({"results": results, **kept}))
    from report import report

    text = report(results, args)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
