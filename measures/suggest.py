"""Suggest a status category from a free-text progress narrative (French, English, Spanish).

Each category has a few word patterns, searched in the folded text. A negation shortly before a
word, in the same clause, changes its meaning: a negated completion word ("pas encore achevé",
"not yet finalized") means the work is in progress, a negated start word ("n'ont pas
commencé", "no ha comenzado") means it has not started, and any other negated word is ignored.

When the narrative gives several signals (often one paragraph per action), the most cautious
one wins, so that a problem in one part is never hidden by progress in another: cancelled,
postponed, delayed, not started, in progress, ongoing, completed, in that order.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from measures.timelines import fold

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
ONGOING = "ongoing"
COMPLETED = "completed"
DELAYED = "delayed"
POSTPONED = "postponed"
CANCELLED = "cancelled"
STATUSES = (NOT_STARTED, IN_PROGRESS, ONGOING, COMPLETED, DELAYED, POSTPONED, CANCELLED)

_MOST_CAUTIOUS_FIRST = (
    CANCELLED,
    POSTPONED,
    DELAYED,
    NOT_STARTED,
    IN_PROGRESS,
    ONGOING,
    COMPLETED,
)


def suggest_status(narrative: str) -> str | None:
    return suggest_statuses([narrative])[narrative]


# Joins the narratives of a batch: not a word character nor a space, so no pattern matches
# across it; folding leaves it as it is.
_SEPARATOR = "\x1e"


def suggest_statuses(narratives: Iterable[str]) -> dict[str, str | None]:
    """The suggestion for each narrative. All are folded and searched as one text, a few
    calls instead of a few per narrative: an import suggests for tens of thousands."""
    narratives = list(dict.fromkeys(narratives))
    folded = fold(_SEPARATOR.join(narratives)).split(_SEPARATOR)
    if len(folded) != len(narratives):  # a narrative holds the separator
        folded = [fold(narrative) for narrative in narratives]
    text = _SEPARATOR.join(folded)
    starts = [0, *accumulate(len(each) + 1 for each in folded[:-1])]
    found = [set() for _narrative in narratives]
    for match in _ANY_SIGNAL.finditer(text):
        _pattern, status, status_when_negated = _SIGNALS[int(match.lastgroup[1:])]
        n = bisect_right(starts, match.start()) - 1
        negated = _is_negated(folded[n], match.start() - starts[n])
        found[n].add(status_when_negated if negated else status)
    return {
        narrative: next((status for status in _MOST_CAUTIOUS_FIRST if status in statuses), None)
        for narrative, statuses in zip(narratives, found, strict=True)
    }


def _words(*alternatives: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


# French past participles agree in gender and number: "achevé", "achevée", "achevés"...
_AGREES = r"(?:e|s|es)?"
_SPANISH_AGREES = r"[oa]s?"

_SIGNALS = (
    (
        _words(
            rf"termine{_AGREES}",
            rf"acheve{_AGREES}",
            rf"mene{_AGREES} a (?:bien|terme)",
            rf"adopte{_AGREES}",
            rf"publie{_AGREES}",
            rf"finalise{_AGREES}",
            rf"accompli{_AGREES}",
            r"completed",
            r"(?<!to )(?<!will )complete",
            r"finali[sz]ed",
            r"finished",
            r"concluded",
            r"adopted",
            r"published",
            r"accomplished",
            rf"(?:concluid|terminad|finalizad|completad|adoptad|publicad|culminad){_SPANISH_AGREES}",
            rf"llevad{_SPANISH_AGREES} a (?:cabo|termino)",
        ),
        COMPLETED,
        IN_PROGRESS,
    ),
    (
        _words(
            rf"(?:commence|debute|demarre|amorce|lance|entame){_AGREES}",
            r"started",
            r"begun",
            r"began",
            r"commenced",
            r"launched",
            r"initiated",
            rf"(?:iniciad|comenzad|empezad){_SPANISH_AGREES}",
            r"comenzo",
            r"empezo",
        ),
        IN_PROGRESS,
        NOT_STARTED,
    ),
    (
        _words(
            r"yet to (?:start|begin|commence)",
            r"(?:sin|por) (?:iniciar|comenzar|empezar)",
        ),
        NOT_STARTED,
        None,
    ),
    (
        _words(
            r"en cours",
            r"en (?:bonne )?voie",
            r"bon train",
            r"avancent",
            r"se deroulent?",
            r"progres\w*",
            r"under ?way",
            r"on track",
            r"advancing",
            r"en curso",
            r"en marcha",
            r"en (?:proceso|ejecucion)",
            r"avanza\w*",
        ),
        IN_PROGRESS,
        None,
    ),
    (
        _words(
            r"continu\w*",
            r"permanen\w*",
            r"poursui\w*",
            r"regulierement",
            r"periodique\w*",
            r"(?:chaque|every|each|cada) (?:annee|year|ano)",
            r"annuellement",
            r"on-?going",
            r"regularly",
            r"periodically",
            r"annually",
            r"regularmente",
            r"periodicamente",
            r"anualmente",
        ),
        ONGOING,
        None,
    ),
    (
        _words(
            rf"differe{_AGREES}",
            # Spanish "un reporte" is a report, not a postponement.
            rf"(?<!\bun )(?<!\bel )(?<!los )(?<!del )reporte{_AGREES}",
            rf"ajourne{_AGREES}",
            rf"suspendu{_AGREES}",
            r"en suspens",
            r"postponed",
            r"deferred",
            r"on hold",
            r"suspended",
            r"rescheduled",
            rf"(?:aplazad|pospuest|postergad|diferid|suspendid){_SPANISH_AGREES}",
        ),
        POSTPONED,
        None,
    ),
    (
        _words(
            rf"retarde{_AGREES}",
            r"en retard",
            r"(?:pris|accuse\w*|connu) (?:du |un |des )?retards?",
            r"delayed",
            r"behind schedule",
            rf"(?:retrasad|atrasad|demorad){_SPANISH_AGREES}",
            r"con retraso",
        ),
        DELAYED,
        None,
    ),
    (
        _words(
            rf"(?:annule|abandonne|supprime){_AGREES}",
            r"cancell?ed",
            r"abandoned",
            r"discontinued",
            rf"(?:cancelad|anulad|abandonad|suprimid){_SPANISH_AGREES}",
        ),
        CANCELLED,
        None,
    ),
)

# Every signal in one pattern, searched once: each signal's words a group of their own. The
# start of a word, asked first, lets the search pass everything else at once: eight searches,
# one a signal, took four times as long.
_ANY_SIGNAL = re.compile(
    r"\b(?=\w)(?:"
    + "|".join(f"(?P<s{n}>{pattern.pattern})" for n, (pattern, *_) in enumerate(_SIGNALS))
    + ")"
)

_NEGATION = re.compile(
    r"(?:^|\s)(?:ne|pas|non|jamais|sans|aucune?|not|no|never|without|yet to|nunca|sin|ningun[oa]?"
    r"|n'\S*|\S*n't)(?=[\s-]|$)"
)
_CLAUSE_END = re.compile(r"[.;:!?,()\n]")


def _is_negated(text: str, start: int) -> bool:
    clause = _CLAUSE_END.split(text[max(0, start - 60) : start])[-1]
    return bool(_NEGATION.search(" ".join(clause.split()[-5:])))
