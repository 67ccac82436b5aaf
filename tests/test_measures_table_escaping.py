"""Every text of the measures table's rows is shown as written, whatever markup it holds:
its rows are written in one pass (`tables.MeasuresTable.rows_html`), each value escaped."""

import itertools
from html.parser import HTMLParser

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.models import Part, Question, Unit
from tests.factories import AS_OF, make_line, make_plan

# Markup, entities and quotes among plain letters.
texts = st.text(alphabet="<>&\"'=/;# abcé", min_size=1, max_size=12)
_suffix = itertools.count()


class TableCells(HTMLParser):
    """The text of each cell of the table's body, and the attributes of its links."""

    def __init__(self):
        super().__init__()
        self.rows, self.titles, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []
        elif tag in ("a", "abbr") and self._cell is not None:
            self.titles.append((tag, dict(attrs)["title"]))

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(symbol=texts, number=texts, code=texts, text=texts, timeline=texts, unit=texts, name=texts)
def test_every_text_of_a_row_is_shown_as_written(
    client, manager_user, symbol, number, code, text, timeline, unit, name
):
    n = next(_suffix)  # symbols and unit codes are unique
    symbol, unit = f"{symbol}{n}", f"{unit}{n}"
    plan = make_plan(symbol=symbol, questions=0)
    part = Part.objects.create(plan=plan, order=2, number=number, title="Partie")
    question = Question.objects.create(part=part, order=1, code=code, title="Question")
    unit = Unit.objects.create(code=unit, name=name)
    make_line(question, text=text, timeline=timeline, units=[unit])
    client.force_login(manager_user)

    page = client.get(reverse("measures"), {"as_of": AS_OF.isoformat(), "plan": plan.pk})
    cells = TableCells()
    cells.feed(page.content.decode())

    (row,) = cells.rows[1:]  # after the header's row
    assert row[:5] == [symbol, number, code, text, timeline]
    assert row[6] == unit.code
    assert cells.titles == [("a", text), ("abbr", name)]
