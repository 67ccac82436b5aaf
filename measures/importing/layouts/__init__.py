"""The table layouts of implementation plans, one module each, picked from `LAYOUTS`.

A layout says how its table is titled in French, English and Spanish (what the exporter
writes and the reader recognises, with the usual variants), the words of its part headings,
the sentence that introduces a group's output links, and what the annex prints above and
below the table. Adding a layout is one new module here, listed in `LAYOUTS`, plus its tests.
"""

from dataclasses import dataclass, field

QUESTION, LINES, TIMELINE, STATUS, UNITS = "question", "lines", "timeline", "status", "units"
LANGUAGES = ("fr", "en", "es")


@dataclass(frozen=True)
class GroupSentence:
    """ "Les mesures proposées {} concernent en particulier les produits suivants:"."""

    singular: str
    plural: str
    conjunction: str  # "et": "1.1, 1.2 et 1.3"
    output: str  # "produit": "P&B 2020-21, produit 1.1: …"


@dataclass(frozen=True)
class Layout:
    name: str  # stored on the plan
    label: str
    # language -> kind -> the title the exporter writes; the status title has "{}" for its date.
    titles: dict[str, dict[str, str]]
    # kind -> {other title the reader recognises (any case or accents): its language}.
    variants: dict[str, dict[str, str]] = field(default_factory=dict)
    # The first words of a part heading: "Partie", "Objectif prioritaire"…
    part_words: tuple[str, ...] = ()
    group_sentences: dict[str, GroupSentence] = field(default_factory=dict)
    # What the annex prints: the heading above the table and the notes below it.
    heading: dict[str, str] = field(default_factory=dict)
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def annex_heading(self, language, default):
        return self.heading.get(language, default)

    def annex_notes(self, language):
        return self.notes.get(language, ())


def _registry():
    from . import gb279, gb341

    return {layout.name: layout for layout in (gb279.LAYOUT, gb341.LAYOUT)}


LAYOUTS = _registry()
DEFAULT = "gb279"


def get_layout(name: str) -> Layout:
    return LAYOUTS.get(name) or LAYOUTS[DEFAULT]
