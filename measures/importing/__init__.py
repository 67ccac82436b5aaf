"""Excel import and export of implementation plans laid out like the GB annex.

`read_plan` opens and reads a workbook (refusing it with located problems), `compare_plan`
says what importing it would change, `import_plan` writes it in one transaction, and
`write_plan` exports a plan back in the same layout.
"""

from .apply import compare_plan, import_plan
from .changes import Changes
from .parsed import ParsedPlan
from .reader import read_plan
from .workbook import ImportRefused, Problem
from .writer import write_blank_template, write_plan

__all__ = [
    "Changes",
    "ImportRefused",
    "ParsedPlan",
    "Problem",
    "compare_plan",
    "import_plan",
    "read_plan",
    "write_blank_template",
    "write_plan",
]
