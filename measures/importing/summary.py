"""The plain-text account of an import, for the command line."""

from django.utils.translation import gettext as _

from .changes import KINDS


def kind_label(kind):
    return {
        "parts": _("parts"),
        "questions": _("questions"),
        "lines": _("action lines"),
        "status_updates": _("status updates"),
        "output_links": _("output links"),
        "unit_links": _("responsible units"),
    }[kind]


def summary_lines(changes, *, dry_run):
    parsed = changes.parsed
    yield (_("%(plan)s (%(action)s), would be:") if dry_run else _("%(plan)s (%(action)s):")) % {
        "plan": parsed.symbol,
        "action": {
            "create": _("new plan"),
            "update": _("plan updated"),
            "unchanged": _("plan unchanged"),
        }[changes.plan_action],
    }
    for kind in KINDS:
        count = changes.counts[kind]
        yield _(
            "  %(kind)s: %(create)d created, %(update)d updated, %(unchanged)d unchanged, "
            "%(remove)d missing from the file"
        ) % {"kind": kind_label(kind), **vars(count)}
    for missing in changes.missing:
        if missing.kept:
            state = _("kept: it has status updates entered in the app")
        elif changes.removed:
            state = _("removed")
        else:
            state = _("kept: give --delete-missing to remove it")
        yield _("Missing from the file (%(state)s): %(what)s") % {
            "state": state,
            "what": missing.label,
        }
    for column in parsed.ignored_columns:
        yield _("Column not imported: %(where)s: %(title)s") % {
            "where": column.where,
            "title": column.message,
        }
    for warning in changes.warnings:
        yield _("Warning: %(warning)s") % {"warning": warning}
    for where, text in parsed.unread_timelines():
        yield _("Timeline not read: %(where)s: %(text)s") % {"where": where.where, "text": text}
