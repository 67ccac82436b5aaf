"""GB.279/TC/2: questions, their context and lines of action, timetable, status of work."""

from django.utils.translation import gettext_lazy as _

from . import LINES, QUESTION, STATUS, TIMELINE, UNITS, Layout

LAYOUT = Layout(
    name="gb279",
    label=_("Questions, context and lines of action, timetable (GB.279/TC/2)"),
    titles={
        "fr": {
            QUESTION: "Questions",
            LINES: "Contexte et lignes d'action",
            TIMELINE: "Calendrier",
            STATUS: "Etat des travaux au {}",
            UNITS: "Unité(s) responsable(s)",
        },
        "en": {
            QUESTION: "Questions",
            LINES: "Context and lines of action",
            TIMELINE: "Timetable",
            STATUS: "Status of work as of {}",
            UNITS: "Responsible unit(s)",
        },
        "es": {
            QUESTION: "Cuestiones",
            LINES: "Contexto y líneas de acción",
            TIMELINE: "Calendario",
            STATUS: "Estado de los trabajos al {}",
            UNITS: "Unidad(es) responsable(s)",
        },
    },
    variants={
        QUESTION: {"question": "fr", "issues": "en", "issue": "en", "cuestion": "es"},
        LINES: {"lignes d'action": "fr", "lines of action": "en", "lineas de accion": "es"},
    },
    part_words=("partie", "part", "parte"),
)
