"""The wording of GB papers, in the document's language whatever the reader's.

Column titles and set phrases of Governing Body papers are a convention of the documents (the
French annex says "Etat des travaux au 31 août 2000", not a translation of the English UI), so
they are kept here per language rather than in the UI's message catalogues.
"""

from django.utils import formats
from django.utils.translation import override

# Dates as GB papers print them: "31 août 2000", "31 August 2000", "31 de agosto de 2000".
DATE_FORMATS = {"fr": "j F Y", "en": "j F Y", "es": r"j \d\e F \d\e Y"}

WORDING = {
    "fr": {
        "questions": "Questions",
        "context_and_lines": "Contexte et lignes d'action",
        "timetable": "Calendrier",
        "status_of_work": "Etat des travaux au {date}",
        "proposed_action": "Mesure proposée",
        "expected_deliverables": "Réalisations attendues",
        "deadline": "Échéance",
        "status": "Etat au {date}",
        "relate_one": "La mesure proposée {codes} concerne en particulier les produits suivants:",
        "relate_many": (
            "Les mesures proposées {codes} concernent en particulier les produits suivants:"
        ),
        "and": "et",
        "output": "produit",
        "outcome": "Résultat",
        "indicators": "Indicateurs",
        "baseline": "Base de référence",
        "targets": "Cibles pour {period}",
        "targets_plain": "Cibles",
        "milestones": "Etapes à franchir pendant les périodes biennales",
        "indicator": "Indicateur",
        "annex": "Annexe",
    },
    "en": {
        "questions": "Questions",
        "context_and_lines": "Context and lines of action",
        "timetable": "Timetable",
        "status_of_work": "Status of work as of {date}",
        "proposed_action": "Proposed action",
        "expected_deliverables": "Expected deliverables",
        "deadline": "Deadline",
        "status": "Status as of {date}",
        "relate_one": "Proposed action {codes} relates in particular to the following outputs:",
        "relate_many": ("Proposed actions {codes} relate in particular to the following outputs:"),
        "and": "and",
        "output": "output",
        "outcome": "Outcome",
        "indicators": "Indicators",
        "baseline": "Baseline",
        "targets": "Targets for {period}",
        "targets_plain": "Targets",
        "milestones": "Milestones per biennium",
        "indicator": "Indicator",
        "annex": "Annex",
    },
    "es": {
        "questions": "Cuestiones",
        "context_and_lines": "Contexto y líneas de acción",
        "timetable": "Calendario",
        "status_of_work": "Estado de los trabajos al {date}",
        "proposed_action": "Medida propuesta",
        "expected_deliverables": "Resultados esperados",
        "deadline": "Plazo",
        "status": "Situación al {date}",
        "relate_one": (
            "La medida propuesta {codes} se refiere en particular a los productos siguientes:"
        ),
        "relate_many": (
            "Las medidas propuestas {codes} se refieren en particular a los productos siguientes:"
        ),
        "and": "y",
        "output": "producto",
        "outcome": "Resultado",
        "indicators": "Indicadores",
        "baseline": "Base de referencia",
        "targets": "Metas para {period}",
        "targets_plain": "Metas",
        "milestones": "Hitos por bienio",
        "indicator": "Indicador",
        "annex": "Anexo",
    },
}


class Wording:
    """The set phrases of one language, with dates and lists written the way it writes them."""

    def __init__(self, language):
        self.language = language if language in WORDING else "en"
        self.words = WORDING[self.language]

    def __getitem__(self, key):
        return self.words[key]

    def date(self, value):
        with override(self.language):
            return formats.date_format(value, DATE_FORMATS[self.language])

    def number(self, value):
        with override(self.language):
            if value == value.to_integral_value():
                value = int(value)  # "90", not "90,00" nor "9E+1"
            return formats.number_format(value, use_l10n=True)

    def enumerate(self, items):
        """ "1.1, 1.2 et 1.3"."""
        items = list(items)
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.words['and']} {items[-1]}"

    def phrase(self, key, **values):
        return self.words[key].format(**values)
