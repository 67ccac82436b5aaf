"""GB.341/POL/4: proposed measures, expected deliverables, deadline, then the P&B outputs each
group of measures relates to; the table stands in the body under its own heading."""

from django.utils.translation import gettext_lazy as _

from . import LINES, QUESTION, STATUS, TIMELINE, UNITS, GroupSentence, Layout

LAYOUT = Layout(
    name="gb341",
    label=_("Proposed measures, expected deliverables, deadline (GB.341/POL/4)"),
    titles={
        "fr": {
            QUESTION: "Mesure proposée",
            LINES: "Réalisations attendues",
            TIMELINE: "Échéance",
            STATUS: "Etat des travaux au {}",
            UNITS: "Unité(s) responsable(s)",
        },
        "en": {
            QUESTION: "Proposed measure",
            LINES: "Expected deliverables",
            TIMELINE: "Deadline",
            STATUS: "Status of work as of {}",
            UNITS: "Responsible unit(s)",
        },
        "es": {
            QUESTION: "Medida propuesta",
            LINES: "Resultados esperados",
            TIMELINE: "Plazo",
            STATUS: "Estado de los trabajos al {}",
            UNITS: "Unidad(es) responsable(s)",
        },
    },
    variants={
        QUESTION: {
            "mesures proposees": "fr",
            "proposed measures": "en",
            "proposed action": "en",
            "proposed actions": "en",
            "medidas propuestas": "es",
        },
        LINES: {
            "realisation attendue": "fr",
            "resultats attendus": "fr",
            "produits attendus": "fr",
            "expected deliverable": "en",
            "expected results": "en",
            "expected outputs": "en",
            "expected output": "en",
            "resultado esperado": "es",
            "productos esperados": "es",
        },
    },
    part_words=("objectif prioritaire", "priority objective", "objetivo prioritario"),
    group_sentences={
        "fr": GroupSentence(
            "La mesure proposée {} concerne en particulier les produits suivants:",
            "Les mesures proposées {} concernent en particulier les produits suivants:",
            "et",
            "produit",
        ),
        "en": GroupSentence(
            "The proposed measure {} relates in particular to the following outputs:",
            "The proposed measures {} relate in particular to the following outputs:",
            "and",
            "output",
        ),
        "es": GroupSentence(
            "La medida propuesta {} se refiere en particular a los productos siguientes:",
            "Las medidas propuestas {} se refieren en particular a los productos siguientes:",
            "y",
            "producto",
        ),
    },
    # Seed 003: the table is in the body under this heading, with footnotes 16 and 17.
    heading={
        "fr": "Vue d'ensemble des mesures proposées, par objectif prioritaire",
        "en": "Overview of the proposed measures, by priority objective",
        "es": "Panorama general de las medidas propuestas, por objetivo prioritario",
    },
    notes={
        "fr": (
            "<sup>16</sup> Pour de plus amples informations sur les cycles de mise en œuvre "
            "des cadres de coopération des Nations Unies par pays, voir la page Web "
            "correspondante du Groupe des Nations Unies pour le développement durable.",
            "<sup>17</sup> La mention «P&B 2022-23» renvoie aux Propositions de programme et "
            "de budget pour 2022-23 présentées par le Directeur général (GB.341/PFA/1).",
        ),
        "en": (
            "<sup>16</sup> For more information on the implementation cycles of the United "
            "Nations cooperation frameworks by country, see the corresponding web page of the"
            " United Nations Sustainable Development Group.",
            "<sup>17</sup> “P&B 2022-23” refers to the Programme and Budget proposals for "
            "2022-23 submitted by the Director-General (GB.341/PFA/1).",
        ),
        "es": (
            "<sup>16</sup> Para más información sobre los ciclos de aplicación de los marcos "
            "de cooperación de las Naciones Unidas por país, véase la página web "
            "correspondiente del Grupo de las Naciones Unidas para el Desarrollo Sostenible.",
            "<sup>17</sup> La mención «P&B 2022-23» remite a las Propuestas de Programa y "
            "Presupuesto para 2022-23 presentadas por el Director General (GB.341/PFA/1).",
        ),
    },
)
