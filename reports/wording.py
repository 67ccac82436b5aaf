"""The wording of GB papers, in the document's language whatever the reader's.

Column titles and set phrases of Governing Body papers are a convention of the documents (the
French annex says "Etat des travaux au 31 août 2000"), so their msgids carry the context
"GB paper": translators give the wording the ILO prints, which may differ from the UI's.
"""

from django.utils import formats
from django.utils.translation import override, pgettext_lazy

from measures.templatetags.figures import figure
from outcomes.models import Assessment

# Dates as GB papers print them: "31 août 2000", "31 August 2000", "31 de agosto de 2000".
DATE_FORMATS = {"fr": "j F Y", "en": "j F Y", "es": r"j \d\e F \d\e Y"}
# French writes the first of a month as an ordinal: "Etat des travaux au 1er décembre 2026".
FIRST_OF_MONTH_FORMATS = {"fr": r"j\e\r F Y"}

WORDING = {
    "questions": pgettext_lazy("GB paper", "Questions"),
    "context_and_lines": pgettext_lazy("GB paper", "Context and lines of action"),
    "timetable": pgettext_lazy("GB paper", "Timetable"),
    "status_of_work": pgettext_lazy("GB paper", "Status of work as of %(date)s"),
    "proposed_action": pgettext_lazy("GB paper", "Proposed action"),
    "expected_deliverables": pgettext_lazy("GB paper", "Expected deliverables"),
    "deadline": pgettext_lazy("GB paper", "Deadline"),
    "status": pgettext_lazy("GB paper", "Status as of %(date)s"),
    "relate_one": pgettext_lazy(
        "GB paper", "Proposed action %(codes)s relates in particular to the following outputs:"
    ),
    "relate_many": pgettext_lazy(
        "GB paper", "Proposed actions %(codes)s relate in particular to the following outputs:"
    ),
    # When the paragraph also lists a strategy, or outcomes, it says so (GB.341/POL/4).
    "relate_strategy_one": pgettext_lazy(
        "GB paper",
        "Proposed action %(codes)s relates in particular to the following strategy and outputs:",
    ),
    "relate_strategy_many": pgettext_lazy(
        "GB paper",
        "Proposed actions %(codes)s relate in particular to the following strategy and outputs:",
    ),
    "relate_outcomes_one": pgettext_lazy(
        "GB paper",
        "Proposed action %(codes)s relates in particular to the following outcomes and outputs:",
    ),
    "relate_outcomes_many": pgettext_lazy(
        "GB paper",
        "Proposed actions %(codes)s relate in particular to the following outcomes and outputs:",
    ),
    "and": pgettext_lazy("GB paper", "and"),
    "output": pgettext_lazy("GB paper", "output"),
    "outcome": pgettext_lazy("GB paper", "Outcome"),
    "indicators": pgettext_lazy("GB paper", "Indicators"),
    "baseline": pgettext_lazy("GB paper", "Baseline"),
    "targets": pgettext_lazy("GB paper", "Targets for %(period)s"),
    "targets_plain": pgettext_lazy("GB paper", "Targets"),
    "milestones": pgettext_lazy("GB paper", "Milestones per biennium"),
    "indicator": pgettext_lazy("GB paper", "Indicator"),
    "annex": pgettext_lazy("GB paper", "Annex"),
    "outputs": pgettext_lazy("GB paper", "Outputs"),
    "output_item": pgettext_lazy("GB paper", "Output %(code)s"),
    "results_as_of": pgettext_lazy("GB paper", "Results as of %(date)s"),
    "latest_actual": pgettext_lazy("GB paper", "Latest result as of %(date)s"),
    "target_assessment": pgettext_lazy("GB paper", "Assessment against the target"),
    "changes_since": pgettext_lazy("GB paper", "Changes since the report as of %(date)s"),
    "change": pgettext_lazy("GB paper", "Change"),
    "line": pgettext_lazy("GB paper", "Line of action"),
    "before_after": pgettext_lazy("GB paper", "Before → after"),
    "no_change": pgettext_lazy("GB paper", "No change since that report."),
}


class Wording:
    """The set phrases of one language, with dates and lists written the way it writes them."""

    def __init__(self, language):
        self.language = language if language in DATE_FORMATS else "en"

    def __getitem__(self, key):
        with override(self.language):
            return str(WORDING[key])

    def date(self, value):
        formats_ = FIRST_OF_MONTH_FORMATS if value.day == 1 else DATE_FORMATS
        with override(self.language):
            return formats.date_format(
                value, formats_.get(self.language, DATE_FORMATS[self.language])
            )

    def number(self, value):
        with override(self.language):
            return figure(value)

    def enumerate(self, items):
        """ "1.1, 1.2 et 1.3"."""
        items = list(items)
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self['and']} {items[-1]}"

    def assessment(self, value):
        """An assessment (Assessment's value) in the document's language."""
        with override(self.language):
            return str(Assessment(value).label)

    def phrase(self, key, **values):
        return self[key] % values
