import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from measures.models import StatusCategory
from measures.suggest import (
    _MOST_CAUTIOUS_FIRST,
    _SIGNALS,
    CANCELLED,
    COMPLETED,
    DELAYED,
    IN_PROGRESS,
    NOT_STARTED,
    ONGOING,
    POSTPONED,
    STATUSES,
    _is_negated,
    suggest_status,
    suggest_statuses,
)
from measures.timelines import fold

pytestmark = pytest.mark.one_database

# Paragraphs of the "Etat des travaux au 31 août 2000" column of GB.279/TC/2, verbatim.
GB_279_TC_2 = [
    ("Travaux commencés en 2000", IN_PROGRESS),
    (
        "Le travail est en cours dans la plupart des bureaux extérieurs; une nouvelle approche "
        "est définie en vue de faire concorder les objectifs par pays avec les objectifs "
        "stratégiques et opérationnels du Bureau.",
        IN_PROGRESS,
    ),
    (
        "Des activités de formation du personnel sont incluses dans les cours sur la conception, "
        "le contrôle et l'évaluation de la coopération technique qui se poursuivent au siège, "
        "avec le Centre de Turin et sur le terrain. L'élaboration des directives a été différée "
        "dans l'attente de faits nouveaux en ce qui concerne les procédés de programmation "
        "commune.",
        POSTPONED,
    ),
    ("En cours dans le cadre de la mise en œuvre du programme", IN_PROGRESS),
    (
        "Le travail a progressé sur ces points. Les rapports annuels et globaux ont été établis. "
        "Le document GB.279/TC/3 sur le suivi de la Déclaration est présenté à la commission "
        "pour examen.",
        IN_PROGRESS,
    ),
    (
        "Les travaux sont en cours et font partie du processus de programmation commune amorcé "
        "en janvier 2000. S'ajoutant à cela, l'unité d'appui à la gestion assure la coordination "
        "au sein des secteurs et entre eux.",
        IN_PROGRESS,
    ),
    (
        "Les travaux progressent; un format type a été élaboré pour les rapports d'activité à "
        "l'intention des donateurs multi-bilatéraux.",
        IN_PROGRESS,
    ),
    (
        "Un guide sur les donateurs multi-bilatéraux a été publié en mars 2000 et peut être "
        "consulté sur l'intranet.",
        COMPLETED,
    ),
    ("Les travaux ont été retardés et la question sera abordée en 2001.", DELAYED),
    (
        "Les relations avec les partenaires multi-bilatéraux ont été renforcées en 2000 dans le "
        "cadre d'échanges avec le Royaume-Uni, les Etats-Unis, le Danemark, les Pays-Bas, la "
        "France, la Suède, l'Italie et l'Espagne. Les travaux sur les échanges techniques et les "
        "réunions thématiques se poursuivront en 2001.",
        ONGOING,
    ),
    (
        "En cours. Les activités en vue de l'élaboration d'une approche-programme se sont "
        "poursuivies avec plusieurs partenaires multi-bilatéraux en 2000 – la Suède, la France, "
        "la Belgique, le Royaume-Uni et la Norvège. Un programme de partenariat a été signé avec "
        "les Pays-Bas en mars 2000.",
        IN_PROGRESS,
    ),
    ("Des négociations sont encore en cours.", IN_PROGRESS),
    (
        "Les activités concernant les autres éléments n'ont pas commencé en raison de la charge "
        "de travail accrue avec les autres donateurs.",
        NOT_STARTED,
    ),
    (
        "Un cours pilote a été organisé en 2000 en collaboration avec le Centre de Turin et fait "
        "l'objet d'un examen.",
        None,
    ),
    ("Relève de la réforme de la politique des ressources humaines", None),
    ("Voir points connexes ci-dessus et ci-après.", None),
    ("Mise en œuvre en 2001", None),
    # A whole cell: one action delayed among others in progress.
    (
        "La collaboration se poursuit avec la Banque mondiale dans le domaine de la protection "
        "sociale et de l'élaboration du budget social.\n"
        "Les travaux ont été retardés et la question sera abordée en 2001.\n"
        "Les travaux sont en cours, principalement dans les bureaux extérieurs, avec le soutien "
        "actif du siège.",
        DELAYED,
    ),
    # A whole cell: nothing begun on the remaining elements.
    (
        "Les contacts ont aussi été maintenus avec le Fonds des Nations Unies pour les "
        "partenariats internationaux.\n"
        "Les activités concernant les autres éléments n'ont pas commencé en raison de la charge "
        "de travail accrue avec les autres donateurs.",
        NOT_STARTED,
    ),
]

FRENCH = [
    ("Terminé", COMPLETED),
    ("Achevé en avril 2000", COMPLETED),
    ("Rapport mené à bien", COMPLETED),
    ("Adopté par le Conseil d'administration en mars 2001", COMPLETED),
    ("Publiée en juin", COMPLETED),
    ("En cours", IN_PROGRESS),
    ("En cours d'exécution", IN_PROGRESS),
    ("De manière continue", ONGOING),
    ("Activité permanente", ONGOING),
    ("Différé à 2002", POSTPONED),
    ("Reporté à la prochaine session", POSTPONED),
    ("Retardé faute de ressources", DELAYED),
    ("Le projet est en retard", DELAYED),
    ("Les travaux n'ont pas commencé", NOT_STARTED),
    ("Pas encore commencé", NOT_STARTED),
    ("Annulé", CANCELLED),
    ("Projet abandonné", CANCELLED),
    ("Pas encore achevé", IN_PROGRESS),
    ("Le rapport n'a pas encore été publié", IN_PROGRESS),
    ("Le projet n'a pas été retardé", None),
    ("Première partie achevée.\nDeuxième partie retardée.", DELAYED),
    ("Première partie achevée; deuxième partie en cours.", IN_PROGRESS),
    ("Analyse des facteurs de retard", None),
]

ENGLISH = [
    ("Completed in March 2001", COMPLETED),
    ("The guidelines were finalized", COMPLETED),
    ("In progress", IN_PROGRESS),
    ("Work is under way", IN_PROGRESS),
    ("Ongoing", ONGOING),
    ("Continuous", ONGOING),
    ("Postponed to 2002", POSTPONED),
    ("Deferred", POSTPONED),
    ("Delayed owing to lack of funds", DELAYED),
    ("Not started", NOT_STARTED),
    ("Work has not yet begun", NOT_STARTED),
    ("Activities have yet to start", NOT_STARTED),
    ("Cancelled", CANCELLED),
    ("Not yet completed", IN_PROGRESS),
    ("The report hasn't been published", IN_PROGRESS),
    ("Training completed; the survey was postponed.", POSTPONED),
]

SPANISH = [
    ("Concluido", COMPLETED),
    ("Terminado en 2001", COMPLETED),
    ("En curso", IN_PROGRESS),
    ("De manera permanente", ONGOING),
    ("Aplazado hasta 2002", POSTPONED),
    ("Retrasado por falta de fondos", DELAYED),
    ("La actividad no ha comenzado", NOT_STARTED),
    ("Cancelado", CANCELLED),
    ("Aún no se ha concluido", IN_PROGRESS),
    ("Se presentó un reporte al Consejo", None),
]

OTHER = [("", None), ("[...]", None), ("Voir ci-dessus", None)]


@pytest.mark.parametrize(("narrative", "status"), GB_279_TC_2 + FRENCH + ENGLISH + SPANISH + OTHER)
def test_suggests_status(narrative, status):
    assert suggest_status(narrative) == status


def test_status_values_match_the_model_choices():
    assert set(STATUSES) == set(StatusCategory.values)


@given(st.text())
def test_any_text_gets_a_valid_status_or_none(text):
    assert suggest_status(text) in (*STATUSES, None)


@given(st.text())
def test_case_does_not_change_the_suggestion(text):
    assert suggest_status(text.upper()) == suggest_status(text.lower())


# Words of the rules and what sits around them: negations, lookbehind words ("un reporte",
# "to complete"), clause ends, and the character an import's batch joins narratives with.
FRAGMENTS = [
    "Terminé",
    "achevée",
    "complete",
    "Completed",
    "commencé",
    "started",
    "en cours",
    "continu",
    "Reporté",
    "reporte",
    "retard",
    "en retard",
    "annulé",
    "yet to",
    "start",
    "pas",
    "not",
    "n'ont",
    "no",
    "sin",
    "iniciar",
    "un",
    "el",
    "to",
    "will",
    "de",
    " ",
    "  ",
    ".",
    ",",
    "\n",
    "-",
    "(",
    "\x1e",
    "é",
    "\u0301",
    "A",
]
narrative = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=4).map("".join),
    st.text(max_size=30),
    st.sampled_from([text for text, _status in GB_279_TC_2 + FRENCH + ENGLISH + SPANISH]),
)


@settings(max_examples=500)
@given(st.lists(narrative, max_size=8))
@example(["Rien n'a été", "achevé"])
@example(["Activities have yet to", "start"])
@example(["un", "reporte"])
@example(["Pas \x1e encore", "achevé", "Terminé\x1e"])
def test_narratives_suggested_together_get_what_each_gets_alone(narratives):
    # An import suggests for all its narratives at once: none may change another's suggestion
    # (a negation ending one narrative, a word starting the next...).
    assert suggest_statuses(narratives) == {text: suggest_status(text) for text in narratives}


@settings(max_examples=500)
@given(narrative)
def test_one_search_for_all_signals_finds_what_a_search_for_each_finds(text):
    """The signals are searched all at once (`_ANY_SIGNAL`): the same suggestion as searching
    for each signal apart, as the suggester did before."""
    folded, found = fold(text), set()
    for pattern, status, status_when_negated in _SIGNALS:
        for match in pattern.finditer(folded):
            negated = _is_negated(folded, match.start())
            found.add(status_when_negated if negated else status)
    expected = next((status for status in _MOST_CAUTIOUS_FIRST if status in found), None)
    assert suggest_status(text) == expected
