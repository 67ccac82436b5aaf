"""Time and peak Python memory of the Word annex and the IATI file, seed and generated plans.

    .venv/bin/python benchmarks/docx_iati.py
    bin/with-postgres .venv/bin/python benchmarks/docx_iati.py

Builds as `render_annex --format docx` and `export_iati` do, in a database of its own (see
import_20k.py). The IATI time includes validation against the IATI 2.03 schema.
"""

from import_20k import measure
from render_annex import seed_and_generated_plans

from reports.annex import count_lines, plan_annex
from reports.docx import annex_docx
from reports.iati import plan_file


def main():
    with seed_and_generated_plans() as plans:
        for plan in plans:
            name = f"{plan.symbol} ({count_lines(plan)} lines)"
            measure(
                f"DOCX {name}",
                lambda plan=plan: annex_docx(plan_annex(plan)),
                lambda result: f", {len(result) / 2**20:.2f} MiB file",
            )
            measure(
                f"IATI {name}",
                lambda plan=plan: plan_file(plan, plan.date, "https://example.org"),
                lambda result: f", {len(result) / 2**20:.2f} MiB file",
            )


if __name__ == "__main__":
    main()
