"""What the reader makes of a workbook: the plan as plain data, before any database access."""

import copy
import datetime
from dataclasses import dataclass, field
from datetime import date

from measures.timelines import UNREAD, Deadline, read_timeline

from .workbook import Problem


@dataclass
class ParsedLine:
    text: str
    sheet: str
    row: int
    timeline: str = ""
    status: str = ""
    as_of: date | None = None
    deadline: Deadline = Deadline(UNREAD)
    # Unit codes as written, and the cell each was read from (for warnings).
    units: tuple[str, ...] = ()
    unit_cells: dict[str, tuple[str, int, int]] = field(default_factory=dict)


@dataclass
class OutputLink:
    framework: str  # "P&B 2020-21"
    code: str  # "1.1"
    sheet: str
    row: int
    column: int
    text: str = ""  # the item as written, kept as note if the output is not known


@dataclass
class ParsedQuestion:
    code: str
    title: str
    sheet: str
    row: int
    context: str = ""
    is_heading: bool = False
    heading_code: str | None = None
    timeline: str = ""
    status: str = ""
    as_of: date | None = None
    lines: list[ParsedLine] = field(default_factory=list)
    outputs: list[OutputLink] = field(default_factory=list)
    outputs_note: str = ""
    units: tuple[str, ...] = ()  # whole-question units, before they are spread to the lines


@dataclass
class ParsedPart:
    number: str
    title: str
    questions: list[ParsedQuestion] = field(default_factory=list)


@dataclass
class ParsedPlan:
    filename: str
    symbol: str
    title: str
    session: int | None
    committee: str
    language: str
    parts: list[ParsedPart]
    warnings: list[Problem]
    row_count: int
    # The plan's start: what "Immédiatement" in a timeline means. None if nowhere given.
    date: datetime.date | None = None
    layout: str = "gb279"
    # Header titles of the columns the importer does not read, where they stand.
    ignored_columns: list[Problem] = field(default_factory=list)

    def with_date(self, day):
        """This plan dated `day` (its lines' deadlines read again); `self` is left as it is."""
        dated = copy.deepcopy(self)
        dated.date = day
        dated.read_deadlines()
        return dated

    def questions(self):
        return [(part, q) for part in self.parts for q in part.questions]

    def read_deadlines(self):
        """Date every line from its own timeline, or else its question's."""
        read = {}  # timelines repeat ("De manière continue"): each is read once
        for _part, question in self.questions():
            for line in question.lines:
                timeline = line.timeline or question.timeline
                if timeline not in read:
                    read[timeline] = read_timeline(timeline, self.date)
                line.deadline = read[timeline]

    def unread_timelines(self):
        """(where, text) of every timeline written in the file that could not be read."""
        found = []
        for _part, question in self.questions():
            if question.timeline and read_timeline(question.timeline, self.date).kind == UNREAD:
                found.append(
                    (
                        Problem(self.filename, question.sheet, question.row, None, ""),
                        question.timeline,
                    )
                )
            for line in question.lines:
                if line.timeline and line.deadline.kind == UNREAD:
                    found.append(
                        (Problem(self.filename, line.sheet, line.row, None, ""), line.timeline)
                    )
        return found
