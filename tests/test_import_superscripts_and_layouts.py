"""Superscripts survive import, pages and export; the layout chosen at import is stored, and the
GB.341/POL/4 annex prints the heading and footnotes of its own paper."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from measures.importing import import_plan, read_plan, write_plan
from measures.models import Plan, Question
from measures.templatetags.plan_text import plan_text
from reports.annex import plan_annex
from reports.pdf import render_html

FIXTURES = settings.BASE_DIR / "fixtures"


def imported(name):
    return import_plan(read_plan((FIXTURES / name).read_bytes(), name)).plan


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("87<sup>e</sup> session", "87<sup>e</sup> session"),
        ("1<sup>er</sup> décembre", "1<sup>er</sup> décembre"),
        ("P&B <b>gras</b>", "P&amp;B &lt;b&gt;gras&lt;/b&gt;"),
        ('<sup onclick="x()">1</sup>', '&lt;sup onclick="x()"&gt;1&lt;/sup&gt;'),
        # A tag alone stays text.
        ("<script>alert(1)</script><sup>2", "&lt;script&gt;alert(1)&lt;/script&gt;&lt;sup&gt;2"),
    ],
)
def test_plan_text_escapes_everything_but_superscripts(text, shown):
    assert plan_text(text) == shown


def test_superscripts_are_kept_shown_and_exported(db, client, admin_user):
    plan = imported("GB.279-TC-2.xlsx")
    assert "à sa 87<sup>e</sup> session" in plan.title
    context = Question.objects.get(part__plan=plan, code="1 a)").context
    assert "Directeur général à la 87<sup>e</sup> session" in context

    client.force_login(admin_user)
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "87<sup>e</sup> session" in page and "&lt;sup&gt;" not in page

    annex = render_html(plan_annex(plan))
    assert "87<sup>e</sup> session" in annex and "&lt;sup&gt;" not in annex

    book = load_workbook(io.BytesIO(write_plan(plan)), rich_text=True)
    runs = book.active["A1"].value
    raised = [run.text for run in runs if getattr(run, "font", None) and run.font.vertAlign]
    assert raised == ["e"]


def test_the_layout_is_found_at_import_and_stored(reference_data):
    assert imported("GB.279-TC-2.xlsx").layout == "gb279"
    assert imported("GB.341-POL-4.xlsx").layout == "gb341"


def test_gb341_annex_has_its_heading_and_footnotes_16_and_17(reference_data):
    document = plan_annex(imported("GB.341-POL-4.xlsx"))
    assert document.body.heading == (
        "Vue d'ensemble des mesures proposées, par objectif prioritaire"
    )
    html = render_html(document)
    assert "Annexe</h1>" not in html
    assert "<sup>16</sup> Pour de plus amples informations" in html
    assert "<sup>17</sup> La mention «P&amp;B 2022-23» renvoie aux Propositions" in html


def test_gb279_annex_keeps_its_annex_heading(db):
    document = plan_annex(imported("GB.279-TC-2.xlsx"))
    assert document.body.heading == "Annexe"
    assert not document.body.notes
    assert "<sup>" not in document.title


def test_the_symbol_given_wins_with_a_notice(db):
    data = (FIXTURES / "GB.341-POL-4.xlsx").read_bytes()
    parsed = read_plan(data, "p.xlsx", "GB.341/POL/5")
    assert parsed.symbol == "GB.341/POL/5"
    # The title is still the file's.
    assert parsed.title == read_plan(data, "p.xlsx").title
    (notice,) = [w for w in parsed.warnings if "GB.341/POL/4" in w.message]
    assert notice.message == (
        "the file names the plan GB.341/POL/4: it is imported as GB.341/POL/5, the symbol given."
    )
    import_plan(parsed)
    assert list(Plan.objects.values_list("symbol", flat=True)) == ["GB.341/POL/5"]
