import sys
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from measures.models import DeadlineKind
from measures.timelines import (
    AS_NEEDED,
    DATED,
    KINDS,
    ONGOING,
    UNREAD,
    Deadline,
    fold,
    read_date,
    read_timeline,
)

pytestmark = pytest.mark.one_database

# Every distinct timeline paragraph of the "Calendrier" column of GB.279/TC/2 (annex), as a
# careful reader would date it. The first rows come from the first page, where the table lost
# its "Calendrier" column and the status text sits in its place.
GB_279_TC_2 = [
    (
        "Projet de directives internes préparé et diffusé à tous les directeurs exécutifs et "
        "régionaux en juillet. En cours de discussion",
        ONGOING,
        None,
    ),
    (
        "Premières réunions consultatives organisées en janvier-mars 2000 entre les régions et "
        "le siège. Réunions annuelles prévues.",
        DATED,
        date(2000, 3, 31),
    ),
    ("En cours d'exécution", ONGOING, None),
    ("De manière continue", ONGOING, None),
    (
        "Terminé en mars 2001 pour le programme et budget 2002-03",
        DATED,
        date(2001, 3, 31),
    ),
    ("Début immédiat", UNREAD, None),
    ("Processus déjà lancé, à poursuivre", ONGOING, None),
    ("Premiers résultats en septembre 2000", DATED, date(2000, 9, 30)),
    # "At the end of whatever period fits each situation".
    ("A la fin des périodes appropriées selon les situations", AS_NEEDED, None),
    (
        "Tous les deux ans (chaque programme et budget) avec une mise à jour périodique",
        ONGOING,
        None,
    ),
    ("De manière continue, selon les possibilités", ONGOING, None),
    ("Démarrage en janvier 2000", DATED, date(2000, 1, 1)),
    ("En cours", ONGOING, None),
    (
        "Démarrage en mars 2000 pour les rapports annuels; novembre 2000 pour les rapports "
        "globaux",
        DATED,
        date(2000, 11, 30),
    ),
    ("Sur une base régulière", ONGOING, None),
    ("D'ici septembre 2000", DATED, date(2000, 9, 30)),
    ("D'ici mars 2000", DATED, date(2000, 3, 31)),
    ("Début en janvier 2000", DATED, date(2000, 1, 1)),
    (
        "La planification de l'étude devrait démarrer en janvier 2000 et se terminer à la fin "
        "de l'année 2000.",
        DATED,
        date(2000, 12, 31),
    ),
    (
        "A partir de janvier 2000 dans le cas de l'étude de la structure extérieure",
        DATED,
        date(2000, 1, 1),
    ),
    ("Achevé en avril 2000", DATED, date(2000, 4, 30)),
    ("Premiers résultats en juillet 2000", DATED, date(2000, 7, 31)),
    ("Premiers résultats en octobre 2000", DATED, date(2000, 10, 31)),
    ("Associé à un examen de la structure extérieure", UNREAD, None),
    ("Première partie achevée en janvier 2000", DATED, date(2000, 1, 31)),
    ("Mai 2000", DATED, date(2000, 5, 31)),
    ("Selon les besoins", AS_NEEDED, None),
    ("A intégrer dans un processus de restructuration des bureaux extérieurs", UNREAD, None),
    ("[...]", UNREAD, None),
    (
        "Les activités en rapport avec ces initiatives commenceront en janvier 2000.",
        DATED,
        date(2000, 1, 1),
    ),
    ("Terminé à la fin de l'an 2000", DATED, date(2000, 12, 31)),
    ("A intégrer dans le processus de restructuration extérieure", UNREAD, None),
    ("Immédiatement", UNREAD, None),
    ("Début en janvier 2000 puis de manière continue", DATED, date(2000, 1, 1)),
    ("Début 2000", DATED, date(2000, 1, 1)),
    ("Premières initiatives premier semestre 2000", DATED, date(2000, 6, 30)),
    ("Déjà lancé, à poursuivre", ONGOING, None),
    (
        "D'ici la fin de l'année 2001, des réunions ont démarré avec cinq donateurs "
        "supplémentaires.",
        DATED,
        date(2001, 12, 31),
    ),
    ("Premières initiatives décembre 1999", DATED, date(1999, 12, 31)),
    ("En cours de négociation", ONGOING, None),
    ("Juin 2000", DATED, date(2000, 6, 30)),
    ("", UNREAD, None),
    ("Début janvier 2000", DATED, date(2000, 1, 1)),
    ("Début décembre 1999", DATED, date(1999, 12, 1)),
    ("Terminé en décembre 2000", DATED, date(2000, 12, 31)),
]

# Every distinct paragraph of the "Échéance" column of GB.341/POL/4.
GB_341_POL_4 = [
    ("2021-2023", DATED, date(2023, 12, 31)),
    ("2021-2025", DATED, date(2025, 12, 31)),
]

FRENCH = [
    ("Mai 2000", DATED, date(2000, 5, 31)),
    ("D'ici la fin de l'année 2001", DATED, date(2001, 12, 31)),
    ("2002-03", DATED, date(2003, 12, 31)),
    ("P&B 2002-03", DATED, date(2003, 12, 31)),
    ("Ongoing", ONGOING, None),
    ("Permanente", ONGOING, None),
    ("continu", ONGOING, None),
    ("Annuel", ONGOING, None),
    ("Trimestrielle", ONGOING, None),
    ("Avant la session annuelle de la Conférence", UNREAD, None),
    ("Rapport annuel 2001", DATED, date(2001, 12, 31)),
    ("premier semestre 2000", DATED, date(2000, 6, 30)),
    ("second semestre 2001", DATED, date(2001, 12, 31)),
    ("troisième trimestre 2000", DATED, date(2000, 9, 30)),
    ("dernier trimestre de l'année 2000", DATED, date(2000, 12, 31)),
    ("Début du second semestre 2000", DATED, date(2000, 7, 1)),
    ("mi-2000", DATED, date(2000, 6, 30)),
    ("fin 2000", DATED, date(2000, 12, 31)),
    ("janvier-mars 2000", DATED, date(2000, 3, 31)),
    ("de janvier à mars 2000", DATED, date(2000, 3, 31)),
    ("novembre-février 2001", DATED, date(2001, 2, 28)),
    ("novembre 2000 (GB.279)", DATED, date(2000, 11, 30)),
    ("mars 2001", DATED, date(2001, 3, 31)),
    ("sept. 2000", DATED, date(2000, 9, 30)),
    ("janv. 2001", DATED, date(2001, 1, 31)),
    ("février 2000", DATED, date(2000, 2, 29)),
    ("au plus tard le 31 août 2000", DATED, date(2000, 8, 31)),
    ("le 1er mars 2001", DATED, date(2001, 3, 1)),
    ("30 février 2001", DATED, date(2001, 2, 28)),
    ("Dès mars 2000", DATED, date(2000, 3, 1)),
    ("Immédiatement, au plus tard en 2001", DATED, date(2001, 12, 31)),
    ("En cours depuis 1999", DATED, date(1999, 1, 1)),
    ("Selon les besoins, à partir de mars 2000", DATED, date(2000, 3, 1)),
    ("De manière continue, selon les besoins", ONGOING, None),
    ("Le cas échéant", AS_NEEDED, None),
    ("En juillet", UNREAD, None),
    ("Premier semestre", UNREAD, None),
    ("Mars 2000\nJuin 2001\nDe manière continue", DATED, date(2001, 6, 30)),
    ("1999-00", DATED, date(2000, 12, 31)),
]

ENGLISH = [
    ("By September 2000", DATED, date(2000, 9, 30)),
    ("Sept 2000", DATED, date(2000, 9, 30)),
    ("Completed by the end of 2000", DATED, date(2000, 12, 31)),
    ("end of 2000", DATED, date(2000, 12, 31)),
    ("First results in July 2000", DATED, date(2000, 7, 31)),
    ("Early January 2000", DATED, date(2000, 1, 1)),
    ("Beginning of March 2000", DATED, date(2000, 3, 1)),
    ("Starting in May 2000", DATED, date(2000, 5, 1)),
    ("first half of 2000", DATED, date(2000, 6, 30)),
    ("second half of 2001", DATED, date(2001, 12, 31)),
    ("fourth quarter of 2021", DATED, date(2021, 12, 31)),
    ("Q3 2000", DATED, date(2000, 9, 30)),
    ("H1 2001", DATED, date(2001, 6, 30)),
    ("mid-2000", DATED, date(2000, 6, 30)),
    ("January to March 2000", DATED, date(2000, 3, 31)),
    ("March 31, 2001", DATED, date(2001, 3, 31)),
    ("2001-03-15", DATED, date(2001, 3, 15)),
    ("from 2021 to 2025", DATED, date(2025, 12, 31)),
    ("Programme and Budget for 2020-21", DATED, date(2021, 12, 31)),
    ("Ongoing", ONGOING, None),
    ("Continuous", ONGOING, None),
    ("On a regular basis", ONGOING, None),
    ("Annual", ONGOING, None),
    ("Quarterly", ONGOING, None),
    ("At the annual meeting of the Board", UNREAD, None),
    ("As required", AS_NEEDED, None),
    ("As needed", AS_NEEDED, None),
    ("Immediately", UNREAD, None),
    ("To be determined", UNREAD, None),
]

SPANISH = [
    ("Para septiembre de 2000", DATED, date(2000, 9, 30)),
    ("dic. 2000", DATED, date(2000, 12, 31)),
    ("Mayo de 2000", DATED, date(2000, 5, 31)),
    ("31 de marzo de 2001", DATED, date(2001, 3, 31)),
    ("finales de 2000", DATED, date(2000, 12, 31)),
    ("principios de enero de 2000", DATED, date(2000, 1, 1)),
    ("A partir de marzo de 2000", DATED, date(2000, 3, 1)),
    ("primer semestre de 2000", DATED, date(2000, 6, 30)),
    ("segundo semestre de 2001", DATED, date(2001, 12, 31)),
    ("tercer trimestre de 2000", DATED, date(2000, 9, 30)),
    ("mediados de 2000", DATED, date(2000, 6, 30)),
    ("de enero a marzo de 2000", DATED, date(2000, 3, 31)),
    ("Programa y presupuesto para 2022-23", DATED, date(2023, 12, 31)),
    ("En curso", ONGOING, None),
    ("De manera continua", ONGOING, None),
    ("Permanente", ONGOING, None),
    ("Anual", ONGOING, None),
    ("Trimestral", ONGOING, None),
    ("En la reunión anual del Consejo", UNREAD, None),
    ("Según sea necesario", AS_NEEDED, None),
    ("Inmediatamente", UNREAD, None),
]

# Days and months in figures, as a secretariat types them in its own workbook.
NUMERIC = [
    ("31/08/2000", DATED, date(2000, 8, 31)),
    ("15.03.2001", DATED, date(2001, 3, 15)),
    ("31-08-2000", DATED, date(2000, 8, 31)),
    ("Avant le 30/06/2001", DATED, date(2001, 6, 30)),
    ("By 1/9/2000", DATED, date(2000, 9, 1)),
    ("08/31/2000", DATED, date(2000, 8, 31)),  # can only be month first
    ("D'ici 09/2000", DATED, date(2000, 9, 30)),
    ("Para 09.2001", DATED, date(2001, 9, 30)),
    ("9/2001", DATED, date(2001, 12, 31)),  # one figure: a number cited, not a month
    ("Selon la Résolution n° 02/2001", DATED, date(2001, 12, 31)),
    ("Rapport n° 3/2001", DATED, date(2001, 12, 31)),
    ("T3/2001", DATED, date(2001, 9, 30)),
    ("Q3-2001", DATED, date(2001, 9, 30)),
    ("31/08/2000\n15.03.2001\nAvant le 30/06/2001", DATED, date(2001, 6, 30)),
    ("01/2001-06/2001", DATED, date(2001, 6, 30)),  # months in figures, one to another
    ("09.2000 - 03.2001", DATED, date(2001, 3, 31)),
    ("Début 01/2001-06/2001", DATED, date(2001, 1, 1)),
    ("06/2001-01/2001", DATED, date(2001, 12, 31)),  # backwards: only the year is sure
]

# Start phrasing before or after the date: the period's first day.
STARTS = [
    ("À compter de 2022", DATED, date(2022, 1, 1)),
    ("2023 onwards", DATED, date(2023, 1, 1)),
    ("From mid-2021 and beyond", DATED, date(2021, 6, 30)),
    ("2022 et au-delà", DATED, date(2022, 1, 1)),
    ("De 2021 en adelante", DATED, date(2021, 1, 1)),
    ("Fin 2023, puis au-delà", DATED, date(2023, 12, 31)),
]

OUT_OF_RANGE = [
    ("1989", UNREAD, None),
    ("2100", UNREAD, None),
    ("12000 participants", UNREAD, None),
    ("GB.341/POL/4", UNREAD, None),
]

ALL_CASES = (
    GB_279_TC_2 + GB_341_POL_4 + FRENCH + ENGLISH + SPANISH + NUMERIC + STARTS + OUT_OF_RANGE
)


@pytest.mark.parametrize(("phrase", "kind", "due"), ALL_CASES)
def test_reads_timeline(phrase, kind, due):
    assert read_timeline(phrase) == Deadline(kind, due)


@pytest.mark.parametrize(("phrase", "kind", "due"), GB_279_TC_2 + GB_341_POL_4 + FRENCH)
def test_reading_ignores_case_and_surrounding_whitespace(phrase, kind, due):
    expected = Deadline(kind, due)
    assert read_timeline(phrase.upper()) == expected
    assert read_timeline(phrase.lower()) == expected
    assert read_timeline(f"  \n\t{phrase}\n ") == expected


def test_kind_values_match_the_model_choices():
    assert set(KINDS) == set(DeadlineKind.values)


@pytest.mark.parametrize(
    ("kind", "due"), [(DATED, None), (ONGOING, date(2000, 1, 1)), ("x", None)]
)
def test_deadline_refuses_inconsistent_values(kind, due):
    with pytest.raises(ValueError):
        Deadline(kind, due)


@given(st.text())
def test_any_text_reads_to_a_consistent_deadline(text):
    deadline = read_timeline(text)
    assert deadline.kind in KINDS
    assert (deadline.due is not None) == (deadline.kind == DATED)


@given(st.text(), st.text(alphabet=" \t\n\r\u00a0\u2003"), st.text(alphabet=" \t\n"))
def test_surrounding_whitespace_does_not_change_the_reading(text, before, after):
    assert read_timeline(before + text + after) == read_timeline(text)


@given(st.text())
def test_case_does_not_change_the_reading(text):
    assert read_timeline(text.upper()) == read_timeline(text) == read_timeline(text.lower())


@given(
    st.lists(
        st.sampled_from([phrase for phrase, _, _ in ALL_CASES]) | st.text(max_size=20),
        max_size=6,
    )
)
def test_a_date_anywhere_makes_the_timeline_dated(paragraphs):
    dated = [read_timeline(paragraph).due for paragraph in paragraphs]
    text = "\n".join(paragraphs)
    if any(dated):
        assert read_timeline(text).kind == DATED


@given(
    st.dates(date(1990, 1, 1), date(2099, 12, 31)),
    st.sampled_from("/.-"),
    st.booleans(),
    st.sampled_from(["", "D'ici le ", "Avant le ", "By ", "Para el "]),
)
def test_a_day_in_figures_reads_as_that_day(day, separator, padded, words):
    figures = (
        f"{day.day:02}{separator}{day.month:02}" if padded else f"{day.day}{separator}{day.month}"
    )
    text = f"{words}{figures}{separator}{day.year}"
    assert read_timeline(text) == Deadline(DATED, day)
    assert read_date(f"{figures}{separator}{day.year}") == day


PLAN_START = date(1999, 11, 1)
IMMEDIATE = [
    "Immédiatement",
    "Début immédiat",
    "IMMEDIATEMENT",
    "Immediately",
    "Immediate start",
    "Inmediatamente",
    "De inmediato",
    "Immédiatement puis de manière continue",
]


@pytest.mark.parametrize("phrase", IMMEDIATE)
def test_immediately_means_the_plan_start_when_it_is_known(phrase):
    assert read_timeline(phrase, start=PLAN_START) == Deadline(DATED, PLAN_START)
    assert read_timeline(phrase).kind != DATED


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("Immédiatement, au plus tard en 2001", date(2001, 12, 31)),
        ("Immediately, by March 2000", date(2000, 3, 31)),
    ],
)
def test_a_written_date_beats_the_plan_start(phrase, due):
    assert read_timeline(phrase, start=PLAN_START) == Deadline(DATED, due)


@given(st.sampled_from([phrase for phrase, _, _ in ALL_CASES]) | st.text())
def test_the_plan_start_only_dates_what_says_immediately(text):
    without, with_start = read_timeline(text), read_timeline(text, start=PLAN_START)
    if with_start != without:
        assert with_start == Deadline(DATED, PLAN_START)
        assert any(word in text.casefold() for word in ("imm", "inm"))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("novembre 1999", date(1999, 11, 1)),
        ("Novembre 1999", date(1999, 11, 1)),
        ("nov. 1999", date(1999, 11, 1)),
        ("November 1999", date(1999, 11, 1)),
        ("noviembre de 1999", date(1999, 11, 1)),
        ("mars 2021", date(2021, 3, 1)),
        ("5 octobre 2000", date(2000, 10, 5)),
        ("1er mars 2001", date(2001, 3, 1)),
        ("March 31, 2001", date(2001, 3, 31)),
        ("5 de octubre de 2000", date(2000, 10, 5)),
        ("2000-10-05", date(2000, 10, 5)),
        ("05/10/2000", date(2000, 10, 5)),
        ("5.10.2000", date(2000, 10, 5)),
        ("31-08-2000", date(2000, 8, 31)),
        ("10/2000", date(2000, 10, 1)),
        ("1999", None),
        ("novembre", None),
        ("30 février 2001", None),
        ("novembre 1999 ou plus tard", None),
        ("", None),
    ],
)
def test_read_date_takes_a_day_or_the_first_of_a_month(text, day):
    assert read_date(text) == day


def test_fold_leaves_no_mark_and_no_capital_in_any_character():
    """Every code point, as a search would meet it: no accent, no upper case, no typographic
    apostrophe or dash survives, and a letter's base is kept ("É" → "e", "ﬁ" → "fi")."""
    text = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    folded = fold(text)
    assert not any(unicodedata.combining(char) for char in folded)
    assert folded == folded.casefold()
    assert not set("\u2019\u2013\u2014\u0153") & set(folded)
    assert fold("Élaboré ﬁnalisé – l’OIT") == "elabore finalise - l'oit"
