"""Excel import and export of implementation plans, in the layouts of `layouts/`.

`read_plan` streams and reads a workbook (refusing it with located problems); `diff` says
what importing it would change and plans the writes, touching nothing (`compare_plan`, the
preview); `apply` makes those writes in one transaction with bulk calls (`import_plan` is
diff then apply); `write_plan` exports a plan back in its layout.
"""

from .changes import Changes
from .parsed import ParsedPlan
from .reader import read_plan
from .sync import apply, compare_plan, diff, import_plan
from .workbook import ImportRefused, Problem
from .writer import write_blank_template, write_plan

__all__ = [
    "Changes",
    "ImportRefused",
    "ParsedPlan",
    "Problem",
    "apply",
    "compare_plan",
    "diff",
    "import_plan",
    "read_plan",
    "write_blank_template",
    "write_plan",
]
