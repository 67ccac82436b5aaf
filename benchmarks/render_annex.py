"""Time, pages and peak Python memory of the PDF annex: the seed plans and generated ones.

    .venv/bin/python benchmarks/render_annex.py
    bin/with-postgres .venv/bin/python benchmarks/render_annex.py

Renders as `manage.py render_annex` does (plan_annex, then write_pdf), in a database of its
own (see import_20k.py). tracemalloc sees Python's allocations, not Pango's or HarfBuzz's.
"""

import io
from contextlib import contextmanager

from django.core.management import call_command
from import_20k import bulk_plan, measure, throwaway_database

from measures.models import Plan
from reports.annex import count_lines, plan_annex
from reports.pdf import write_pdf

GENERATED = [("GB.999/BENCH/300", 3, 10, 10), ("GB.999/BENCH/1000", 5, 20, 10)]


def render(plan):
    pages = [0]
    pdf = write_pdf(plan_annex(plan), on_page=pages.append)
    return max(pages), len(pdf)


@contextmanager
def seed_and_generated_plans():
    """The two seed plans and the generated ones, in a database of their own."""
    with throwaway_database():
        call_command("load_reference_data", stdout=io.StringIO())
        call_command("load_demo_plans", stdout=io.StringIO(), stderr=io.StringIO())
        for symbol, parts, questions, lines in GENERATED:
            bulk_plan(symbol, parts, questions, lines)
        yield Plan.objects.order_by("pk")


def main():
    with seed_and_generated_plans() as plans:
        for plan in plans:
            measure(
                f"{plan.symbol} ({count_lines(plan)} lines)",
                lambda plan=plan: render(plan),
                lambda result: f", {result[0]} pages, {result[1] / 2**20:.2f} MiB PDF",
            )


if __name__ == "__main__":
    main()
