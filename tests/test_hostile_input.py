"""Hostile and unlucky input: control characters, oversized texts, odd query strings."""

import csv
import io

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from ilo_tracker.text import MAX_TEXT_LENGTH, clean_text
from measures.importing.writer import write_plan
from measures.models import ActionLine, ReportingRound, StatusUpdate
from tests.factories import AUG_31, make_plan, make_update
from tests.pages import open_form, post
from tests.results_factories import make_framework

pytestmark = pytest.mark.usefixtures("frozen_today")

# What Word pastes for a line break and a page break, and an escape from a terminal paste.
PASTED = "Atelier tenu.\x0bRapport envoyé.\x0cSuite\x1b[0m à donner.\uffff"
CLEANED = "Atelier tenu.\nRapport envoyé.\nSuite[0m à donner."


@given(st.text())
def test_clean_text_leaves_only_characters_xml_accepts(text):
    cleaned = clean_text(text)
    etree.Element("narrative").text = cleaned  # lxml refuses what XML 1.0 cannot hold
    cleaned.encode("utf-8")  # no lone surrogate left
    assert clean_text(cleaned) == cleaned
    assert cleaned.count("\n") == text.count("\n") + text.count("\x0b") + text.count("\x0c")


# What Word and web pages paste besides: invisible marks inside words (soft hyphen, zero-width
# space, word joiner, byte-order mark), and Word's Symbol and Wingdings bullets.
INVISIBLE = "\u00ad\u200b\u2060\ufeff"
WORD_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf076": "❖"}
ORDINARY = st.text(
    st.characters(
        blacklist_categories=["Cc", "Cs"], blacklist_characters=INVISIBLE + "".join(WORD_BULLETS)
    )
)


@given(ORDINARY)
def test_clean_text_keeps_ordinary_text_as_it_is(text):
    assert clean_text(text) == text


@given(ORDINARY, st.lists(st.tuples(st.integers(0, 100), st.sampled_from(INVISIBLE))))
def test_invisible_characters_pasted_into_text_are_removed(text, marks):
    pasted = text
    for position, mark in marks:
        pasted = pasted[:position] + mark + pasted[position:]
    assert clean_text(pasted) == text


@pytest.mark.parametrize(("pasted", "bullet"), WORD_BULLETS.items())
def test_words_own_bullets_become_the_bullets_they_draw(pasted, bullet):
    assert clean_text(f"{pasted}\tRapport envoyé") == f"{bullet}\tRapport envoyé"


def test_pasted_control_characters_are_cleaned_by_the_status_form(alice, line):  # noqa: F811
    assert post(alice, line, narrative=PASTED).status_code == 302
    assert StatusUpdate.objects.get().narrative == CLEANED


def test_a_narrative_over_the_limit_is_refused_at_the_field_with_the_text_kept(
    alice,  # noqa: F811
    line,  # noqa: F811
):
    # Line breaks count once, as the person sees them, though sent as CRLF.
    at_limit = "a\r\n" * (MAX_TEXT_LENGTH // 2)
    assert post(alice, line, narrative=at_limit).status_code == 302
    too_long = "é" * (MAX_TEXT_LENGTH + 1)
    page = post(alice, line, narrative=too_long).content.decode()
    assert "maxlength" not in page  # a browser would cut a paste there without a word
    assert "Ensure this value has at most 20000 characters (it has 20001)." in page
    assert 'id="id_narrative_error"' in page and too_long in page
    assert StatusUpdate.objects.count() == 1


def test_the_database_refuses_an_oversized_narrative_from_any_other_way_in(line):  # noqa: F811
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_update(line, AUG_31, narrative="x" * (MAX_TEXT_LENGTH + 1))


def test_admin_forms_clean_and_bound_every_text(client, admin_user):
    action_line = make_plan().parts.get().questions.get().lines.get()
    url = f"/admin/measures/actionline/{action_line.pk}/change/"
    client.force_login(admin_user)
    form = open_form(client, url)
    form["text"] = "x" * (MAX_TEXT_LENGTH + 1)
    page = client.post(url, form).content.decode()
    assert "Ensure this value has at most 20000 characters (it has 20001)." in page
    form["text"], form["timeline"] = PASTED, "D'ici\x0bdécembre 2000\x00"
    assert client.post(url, form).status_code == 302
    action_line.refresh_from_db()
    assert (action_line.text, action_line.timeline) == (CLEANED, "D'ici\ndécembre 2000")


@pytest.fixture
def stored_with_controls(manager_user, pardev):
    """A narrative stored before the app cleaned its input, as an old import or the shell did."""
    plan = make_plan(symbol="GB.279/TC/2", units=[pardev])
    make_update(ActionLine.objects.get(question__part__plan=plan), AUG_31, narrative=PASTED)
    return plan


def test_exports_never_fail_on_stored_control_characters(
    client, manager_user, stored_with_controls
):
    client.force_login(manager_user)
    params = {"as_of": AUG_31.isoformat()}
    response = client.get(reverse("measures_xlsx"), params)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert CLEANED in {cell for row in sheet.iter_rows(values_only=True) for cell in row}

    response = client.get(reverse("measures_csv"), params)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert CLEANED in {cell for row in rows for cell in row}

    plan_sheet = openpyxl.load_workbook(io.BytesIO(write_plan(stored_with_controls))).active
    assert CLEANED in {c for row in plan_sheet.iter_rows(values_only=True) for c in row}

    plan = stored_with_controls
    response = client.get(reverse("reports:plan_annex_docx", args=[plan.pk]), params)
    cells = docx.Document(io.BytesIO(response.content)).tables[0]._cells
    assert any("Suite[0m à donner." in cell.text for cell in cells)

    response = client.get(reverse("reports:plan_iati", args=[plan.pk]), params)
    narratives = etree.fromstring(response.content).iter("narrative")
    assert any(CLEANED in (narrative.text or "") for narrative in narratives)


@pytest.mark.parametrize("as_of", ["0001-01-01", "1918-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_out_of_range_is_refused_wherever_one_is_written_or_read(
    client,
    staff_user,
    manager_user,
    line,  # noqa: F811
    as_of,
):
    client.force_login(staff_user)
    assert "Enter a date between" in post(client, line, as_of=as_of).content.decode()
    assert not StatusUpdate.objects.exists()

    client.force_login(manager_user)
    plan = line.question.part.plan
    page = client.post(reverse("round_create", args=[plan.pk]), {"as_of": as_of})
    assert "Enter a date between" in page.content.decode()
    assert not ReportingRound.objects.exists()

    for url in [f"/api/v1/plans/{plan.pk}", f"/api/v1/plans/{plan.pk}/iati"]:
        assert client.get(url, {"as_of": as_of}).status_code == 422, url


def test_tampered_hidden_data_is_named_not_an_empty_list_of_errors(
    alice,  # noqa: F811
    line,  # noqa: F811
):
    page = post(alice, line, seen_update="abc").content.decode()
    assert "The form's hidden data is not valid: reload the page." in page
    assert not StatusUpdate.objects.exists()


def test_switching_language_on_a_page_of_form_errors_lands_on_the_forms_page(
    client,
    manager_user,
    line,  # noqa: F811
):
    """The errors are shown at the form's address, which only takes POST: the switcher sends
    the browser back there, and it must land on the page of the form, in the new language."""
    client.force_login(manager_user)
    plan = line.question.part.plan
    indicator = make_framework().outcomes.get().indicators.get()
    actions = {
        f"/lines/{line.pk}/updates/": f"/lines/{line.pk}/",
        f"/plans/{plan.pk}/rounds/": f"/plans/{plan.pk}/",
        f"/indicators/{indicator.pk}/measurements/": f"/indicators/{indicator.pk}/",
        "/clearance/batch/": "/clearance/",
    }
    for action, page in actions.items():
        response = client.post("/i18n/setlang/", {"language": "fr", "next": action}, follow=True)
        assert response.redirect_chain[-1][0] == page, action
        assert response.status_code == 200 and 'lang="fr"' in response.content.decode()
    assert client.put(f"/lines/{line.pk}/updates/").status_code == 405


def test_commands_say_what_is_wrong_with_a_date_or_an_output_path(db, tmp_path):
    make_plan(symbol="GB.279/TC/2")
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(b"")
    for command in [
        ["render_annex", "GB.279/TC/2", "--as-of", "9999-12-31"],
        ["export_iati", "--plan", "GB.279/TC/2", "--as-of", "0001-01-01"],
        ["send_reminders", "--date", "2101-01-01", "--dry-run"],
        ["import_plan", str(workbook), "--date", "1800-01-01", "--dry-run"],
    ]:
        with pytest.raises(CommandError, match="Enter a date between"):
            call_command(*command, stdout=io.StringIO())
    with pytest.raises(CommandError, match="“xx” is not a date"):
        call_command("send_reminders", "--date", "xx", stdout=io.StringIO())
    for command in [
        ["render_annex", "GB.279/TC/2", "--as-of", "2000-08-31", "-o", str(tmp_path)],
        ["export_iati", "--plan", "GB.279/TC/2", "-o", str(tmp_path / "none" / "i.xml")],
    ]:
        with pytest.raises(CommandError, match="Is a directory|No such file"):
            call_command(*command, stdout=io.StringIO())
