"""The Markdown report of benchmarks/scale.py: figures side by side, then the goals of issue 11."""

import datetime
import os
import platform
from pathlib import Path

import django

DATABASES = ["sqlite", "postgresql"]
# What the figures do not say by themselves (where the time goes, what was tried), written by
# hand after a run and kept with the report.
NOTES = Path(__file__).with_name("performance_notes.md")


def page_rounds(rounds):
    """Pages take milliseconds, and on shared cores their ratios need more runs to settle."""
    return rounds * 5


def import_rounds(rounds):
    """Over 3 runs its median moved from 1.6× to 2.1× openpyxl's from one run to the next."""
    return max(5, rounds)


def duration(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def figure(timing):
    """Median (min–max)."""
    low, high = duration(timing["min"]), duration(timing["max"])
    return f"{duration(timing['median'])} ({low}–{high})"


def ratio(timings, a, b):
    return timings[a]["median"] / timings[b]["median"]


def each(results, get):
    """`get(result)` for each database, or None where it was not measured."""
    return [get(results[db]) if db in results else None for db in DATABASES]


def joined(values, fmt):
    return " / ".join("—" if value is None else fmt(value) for value in values)


def report(results, args):
    any_result = next(iter(results.values()))
    data = any_result["data"]
    sizes = any_result["pages"]["sizes"]
    versions = ", ".join(
        f"{'SQLite' if db == 'sqlite' else 'PostgreSQL'} {results[db]['version']}"
        for db in DATABASES
        if db in results
    )
    lines = [
        "# Performance at scale",
        "",
        "Written by `make bench` (benchmarks/scale.py); do not edit by hand. Measured on "
        f"{datetime.date.today():%Y-%m-%d}, {os.cpu_count()} cores shared with other work, "
        f"Python {platform.python_version()}, Django {django.get_version()}, {versions}; "
        "production settings (DEBUG off). Load average (1 min) of the machine: "
        f"{args.load[0]:.1f} at the start, {args.load[1]:.1f} at the end; absolute times grow "
        "with it, ratios much less (both sides of each ratio run interleaved).",
        "",
        f"Data: {data['plans']} plans, {data['lines']:,} action lines, {data['updates']:,} "
        "status updates (the two demo plans and `generate_scale_data --plans 40 --seed 42`). "
        f"Each figure is the median of interleaved runs (min–max): {page_rounds(args.rounds)} "
        f"for pages, {args.rounds} for the annex, {import_rounds(args.rounds)} for the import. "
        "Pages go through Django's test "
        "client; their raw SQL is the same queries recorded from the page and replayed "
        "through a bare cursor (executed and fetched).",
        "",
        "| page or job | SQLite | PostgreSQL |",
        "|---|---|---|",
    ]

    def row(label, get, fmt=figure):
        lines.append(
            f"| {label} | "
            + " | ".join("—" if v is None else fmt(v) for v in each(results, get))
            + " |"
        )

    p = lambda name, key: lambda r: r["pages"][name][key]  # noqa: E731
    row(f"measures table, overdue as of {_as_of(results)}", p("measures", "page"))
    row("… its raw SQL", p("measures", "sql"))
    row("… Django admin changelist (all lines, 100 a page)", p("measures", "admin"))
    row("… ratio to raw SQL / to admin", lambda r: _ratios(r["pages"]["measures"]), str)
    row(f"plan page, GB.279/TC/2 ({sizes['gb279']} lines)", p("gb279", "page"))
    row("… its raw SQL", p("gb279", "sql"))
    row("… ratio to raw SQL", lambda r: f"{ratio(r['pages']['gb279'], 'page', 'sql'):.1f}×", str)
    row(f"plan page, {sizes['large']:,} lines", p("large", "page"))
    row("… its raw SQL", p("large", "sql"))
    row("… admin changelist of its lines", p("large", "admin"))
    row("… ratio to raw SQL / to admin", lambda r: _ratios(r["pages"]["large"]), str)
    row(
        f"My measures, {sizes['mine']:,} lines ({sizes['mine_html'] / 2**20:.1f} MiB of HTML)",
        p("mine", "page"),
    )
    row("… its raw SQL", p("mine", "sql"))
    row("… ratio to raw SQL", lambda r: f"{ratio(r['pages']['mine'], 'page', 'sql'):.1f}×", str)
    rows = any_result["import"]["rows"]
    row(f"import_plan, {rows:,} rows (rolled back)", lambda r: r["import"]["import"])
    row("… peak Python memory (tracemalloc)", lambda r: f"{r['import']['peak_mib']:.0f} MiB", str)
    row("… openpyxl load + read every cell", lambda r: r["import"]["openpyxl"])
    row("… ratio", lambda r: f"{ratio(r['import'], 'import', 'openpyxl'):.1f}×", str)
    row("annex GB.279/TC/2", lambda r: r["annex"]["annex"])
    row("… WeasyPrint, bare table of the same text, PDF/UA", lambda r: r["annex"]["bare"])
    row(
        "… pages (annex / bare) and ratio",
        lambda r: (
            f"{r['annex']['pages']['annex']} / {r['annex']['pages']['bare']}, "
            f"{ratio(r['annex'], 'annex', 'bare'):.1f}×"
        ),
        str,
    )
    load = results.get("postgresql", {}).get("load")
    if load:
        lines += [
            "",
            f"Load: {args.requests} requests from each of 50 concurrent clients per phase, "
            "phases alternating (measures, admin, admin, measures), against gunicorn "
            "(deploy/gunicorn.conf.py, 5 sync workers) on PostgreSQL over loopback; the clients "
            "run on the same 2 cores.",
            "",
            "| 50 clients, PostgreSQL | requests | errors | throughput | p50 | p99 |",
            "|---|---|---|---|---|---|",
        ]
        for name, label in [("measures", "measures table"), ("admin", "admin changelist")]:
            r = load[name]
            lines.append(
                f"| {label} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} req/s "
                f"| {duration(r['p50'])} | {duration(r['p99'])} |"
            )
    lines += ["", "## Goals (issue 11)", "", "| goal | measured (SQLite / PostgreSQL) | met? |"]
    lines.append("|---|---|---|")
    for goal, values, limit, fmt in _goals(results, load):
        measured = [v for v in values if v is not None]
        met = "yes" if measured and all(limit(v) for v in measured) else "**no**"
        lines.append(f"| {goal} | {joined(values, fmt)} | {met} |")
    if NOTES.exists():
        lines += ["", NOTES.read_text().strip()]
    return "\n".join(lines) + "\n"


def _as_of(results):
    any_result = next(iter(results.values()))
    return any_result["pages"]["urls"]["measures"].rsplit("=", 1)[1]


def _ratios(timings):
    return f"{ratio(timings, 'page', 'sql'):.1f}× / {ratio(timings, 'page', 'admin'):.1f}×"


def _goals(results, load):
    times = "{:.2f}×".format
    pages = lambda name, other: each(  # noqa: E731
        results, lambda r: ratio(r["pages"][name], "page", other)
    )
    goals = [
        ("measures table ≤ 1.5× its raw SQL", pages("measures", "sql"), lambda v: v <= 1.5, times),
        (
            "measures table ≤ 1× the admin changelist",
            pages("measures", "admin"),
            lambda v: v <= 1,
            times,
        ),
        (
            "plan page, 1,000 lines ≤ 3× its raw SQL",
            pages("large", "sql"),
            lambda v: v <= 3,
            times,
        ),
        ("My measures ≤ 3× its raw SQL", pages("mine", "sql"), lambda v: v <= 3, times),
        (
            "import ≤ 2× openpyxl reading the same file",
            each(results, lambda r: ratio(r["import"], "import", "openpyxl")),
            lambda v: v <= 2,
            times,
        ),
        (
            "import peak memory < 300 MB",
            each(results, lambda r: r["import"]["peak_mib"]),
            lambda v: v * 2**20 < 300e6,
            "{:.0f} MiB".format,
        ),
        (
            "annex ≤ 1.3× WeasyPrint on a bare table, same tagging",
            each(results, lambda r: ratio(r["annex"], "annex", "bare")),
            lambda v: v <= 1.3,
            times,
        ),
    ]
    if load:
        m, a = load["measures"], load["admin"]
        goals += [
            ("50 clients: 0 errors", [None, m["errors"] + a["errors"]], lambda v: v == 0, str),
            (
                "50 clients: measures table ≥ 1× the admin changelist's throughput",
                [None, m["throughput"] / a["throughput"]],
                lambda v: v >= 1,
                "{:.2f}×".format,
            ),
            (
                "50 clients: measures table p99 ≤ 5× p50",
                [None, m["p99"] / m["p50"]],
                lambda v: v <= 5,
                times,
            ),
        ]
    return goals
