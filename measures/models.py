"""Implementation plans and their tracking: plan → part → question → action line → status."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ilo_tracker import audit
from ilo_tracker.audit import AuditedRecords, SourcedHistory
from ilo_tracker.text import MAX_TEXT_LENGTH
from outcomes.models import Indicator, Language, Output


class BatchedHistory(SourcedHistory):
    """Abstract base of the plans' historical models: the import that made the change, if any."""

    history_batch = models.ForeignKey(
        "measures.ImportBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
        default=audit.current_batch,
    )

    class Meta:
        abstract = True


class Unit(models.Model):
    """An ILO department or office; staff belong to units and units own action lines."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("members")
    )
    # Focal points clear the status updates about their unit's lines (issue 14).
    focal_points = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="focal_units",
        verbose_name=_("focal points"),
    )
    history = AuditedRecords(bases=[BatchedHistory], m2m_fields=["members", "focal_points"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.code


class Plan(models.Model):
    title = models.TextField(_("title"))
    symbol = models.CharField(_("GB symbol"), max_length=40, blank=True, help_text="GB.279/TC/2")
    session = models.PositiveSmallIntegerField(_("GB session"), null=True, blank=True)
    committee = models.CharField(_("committee"), max_length=60, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language, default=Language.FRENCH
    )
    date = models.DateField(_("date"), null=True, blank=True)
    # A name in measures.importing.layouts.LAYOUTS: how its table is titled and printed;
    # blank for a plan made by hand, whose annex guesses it.
    layout = models.CharField(_("layout"), max_length=20, blank=True)
    requires_clearance = models.BooleanField(
        _("requires clearance"),
        default=True,
        help_text=_("Status updates count only once a focal point or a manager has cleared them."),
    )
    history = AuditedRecords(bases=[BatchedHistory])

    class Meta:
        ordering = ["-date", "symbol"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["symbol"], condition=~Q(symbol=""), name="plan_symbol_unique"
            ),
        ]

    def __str__(self):
        return self.symbol or self.title[:80]


class Part(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="parts")
    order = models.PositiveSmallIntegerField(_("order"))
    number = models.CharField(_("number"), max_length=16, help_text="I, II, 1")
    title = models.TextField(_("title"))
    history = AuditedRecords(bases=[BatchedHistory])

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="part_order_unique"),
            models.UniqueConstraint(fields=["plan", "number"], name="part_number_unique"),
        ]

    def __str__(self):
        return self.title


class QuestionQuerySet(models.QuerySet):
    def with_status_as_of(self, as_of):
        """Annotate each question with its latest whole-question update on or before `as_of`."""
        updates = StatusUpdate.objects.cleared().filter(question=OuterRef("pk"), as_of__lte=as_of)
        return self.annotate(status_update_id=Subquery(updates.newest_first().values("pk")[:1]))


class Question(models.Model):
    """A numbered question or proposed measure; heading questions group the ones below them."""

    part = models.ForeignKey(Part, models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=16, help_text="1 a), 1., 1.1")
    title = models.TextField(_("title"), blank=True)
    context = models.TextField(_("context"), blank=True)
    heading = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="subquestions",
        verbose_name=_("heading question"),
    )
    is_heading = models.BooleanField(_("heading only"), default=False)
    # Timeline and status cells that could not be split line by line belong to the whole
    # question and are kept as written, to be shown once.
    timeline = models.TextField(_("timeline (whole question)"), blank=True)
    outputs = models.ManyToManyField(
        Output, blank=True, related_name="questions", verbose_name=_("P&B outputs")
    )
    outputs_note = models.TextField(
        _("note on outputs"),
        blank=True,
        help_text=_("Lines of the outputs paragraph that are not outputs (e.g. a strategy)."),
    )

    objects = QuestionQuerySet.as_manager()
    history = AuditedRecords(bases=[BatchedHistory], m2m_fields=["outputs"])

    class Meta:
        ordering = ["part", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["part", "order"], name="question_order_unique"),
            models.UniqueConstraint(fields=["part", "code"], name="question_code_unique"),
            models.CheckConstraint(condition=~Q(heading=F("pk")), name="question_not_own_heading"),
        ]
        indexes = [models.Index(fields=["code"], name="question_code_idx")]

    def __str__(self):
        return f"{self.code} {self.title}"[:120]


class DeadlineKind(models.TextChoices):
    DATED = "dated", _("Dated")
    ONGOING = "ongoing", _("Ongoing")
    AS_NEEDED = "as_needed", _("As needed")
    UNREAD = "unread", _("Deadline not read")


NO_TIMELINE = _("No timeline")


def deadline_label(kind, has_timeline):
    """The label of a deadline kind; an unread one with no timeline at all has none to read."""
    if kind == DeadlineKind.UNREAD and not has_timeline:
        return NO_TIMELINE
    return DeadlineKind(kind).label


class StatusCategory(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def closed(cls):
        """Categories that end a line's tracking: such a line is never overdue."""
        return [cls.COMPLETED, cls.CANCELLED]


def status_label(category, confirmed=True):
    """A category's label, marked "(suggested)" while the importer's guess is unconfirmed."""
    if not category:
        return ""
    label = str(StatusCategory(category).label)
    return label if confirmed else gettext("%(status)s (suggested)") % {"status": label}


# "Due soon" on My measures and the plan page; dashboards also show 90 days.
DUE_SOON_DAYS = 30


# The order lines are printed in, in the papers and on every page.
PRINT_ORDER = ("question__part__plan_id", "question__part__order", "question__order", "order")
# A line with no update as of the date, or whose newest update gives no category.
NO_STATUS = Q(status_category="")


def _open():
    """No status yet, or one that does not end the line's tracking."""
    return ~Q(status_category__in=StatusCategory.closed())


def overdue_condition(as_of):
    """On lines annotated by `with_status_as_of(as_of)`: due before it and still open."""
    # Cheap column tests first: the status is only looked up for dated lines already past due.
    return Q(deadline_kind=DeadlineKind.DATED, due_date__lt=as_of) & _open()


def due_within_condition(days, as_of):
    """On annotated lines: due from `as_of` to `days` days after it, both included, and open."""
    until = as_of + datetime.timedelta(days=days)
    return Q(deadline_kind=DeadlineKind.DATED, due_date__gte=as_of, due_date__lte=until) & _open()


def line_marks(deadline_kind, due_date, category, as_of):
    """(overdue, due soon) of one line whose status category on `as_of` is known ("" for
    none): `overdue_condition` and `due_within_condition(DUE_SOON_DAYS)` for pages that read
    the statuses themselves (`outline`). tests/test_line_marks.py holds them to the SQL."""
    if deadline_kind != DeadlineKind.DATED or category in _CLOSED:
        return False, False
    return due_date < as_of, as_of <= due_date <= as_of + _DUE_SOON


# Made once: a page marks hundreds of lines.
_CLOSED = frozenset(StatusCategory.closed())
_DUE_SOON = datetime.timedelta(days=DUE_SOON_DAYS)


def _flag(condition):
    return Case(When(condition, then=True), default=False, output_field=BooleanField())


class ActionLineQuerySet(models.QuerySet):
    """The one definition of each line's status on a date, of "overdue" and of "due soon"."""

    def with_status_as_of(self, as_of):
        """Annotate each line with its status on `as_of` and whether it was overdue then.

        A line's status is the newest cleared update about it on or before `as_of`, its own or
        its whole question's; ties on the as-of date go to the update entered last. Each target's
        newest update is one probe of its covering index; the newer of the two gives the id,
        and, for filters and sorting, the category ("" for none) and date. The rest of the
        update is read by id: `outline.statuses_by_id`.
        """

        def status(field):
            updates = StatusUpdate.objects.cleared().filter(as_of__lte=as_of)
            return NewerOf(
                updates.filter(action_line=OuterRef("pk")),
                updates.filter(question=OuterRef("question_id")),
                field=field,
            )

        # Category and date are for filtering and sorting: selecting them too would repeat
        # the lookups; pages read them with the update (`outline.attach_statuses`).
        return (
            self.alias(
                status_category=Coalesce(status("category"), Value("")),
                status_as_of=status("as_of"),
            )
            .annotate(status_update_id=status("pk"))
            .annotate(is_overdue=_flag(overdue_condition(as_of)))
        )

    def with_status_columns(self):
        """On lines annotated by `with_status_as_of`: their status's category, date and
        narrative as columns, for readers that serialise rows as they come (the API)."""
        narrative = StatusUpdate.objects.filter(pk=OuterRef("status_update_id"))
        return self.annotate(
            current_category=F("status_category"),
            current_as_of=F("status_as_of"),
            current_narrative=Subquery(narrative.values("narrative")[:1]),
        )

    def with_marks_as_of(self, as_of):
        """`with_status_as_of`, and whether each line was due within DUE_SOON_DAYS then."""
        return self.with_status_as_of(as_of).annotate(
            is_due_soon=_flag(due_within_condition(DUE_SOON_DAYS, as_of))
        )

    def counts_as_of(self, as_of):
        """How many lines; how many were overdue, due soon and with no status on `as_of`."""
        return self.with_marks_as_of(as_of).aggregate(
            lines=Count("pk"),
            overdue=Count("pk", filter=Q(is_overdue=True)),
            due_soon=Count("pk", filter=Q(is_due_soon=True)),
            no_status=Count("pk", filter=NO_STATUS),
        )

    def overdue(self, as_of):
        """Dated lines due before `as_of` and neither completed nor cancelled as of then."""
        return self.with_status_as_of(as_of).filter(overdue_condition(as_of))

    def due_within(self, days, as_of):
        """Open dated lines due from `as_of` to `days` days after it, both included.

        On a queryset already annotated by `with_status_as_of(as_of)`, filters it as it is.
        """
        if "status_category" not in self.query.annotations:
            return self.with_status_as_of(as_of).due_within(days, as_of)
        return self.filter(due_within_condition(days, as_of))

    def not_updated_since_round(self, as_of):
        """Open lines whose plan published a round by `as_of` and that had no update since
        (their own or their question's, submitted or cleared, dated after the round's date).

        On lines annotated by `with_status_as_of(as_of)`. A submitted update counts: its
        author has reported; what remains is the focal point's clearance.
        """
        last_round = (
            ReportingRound.objects.published()
            .filter(plan=OuterRef("question__part__plan"), as_of__lte=as_of)
            .order_by("-as_of")
            .values("as_of")[:1]
        )
        updates = StatusUpdate.objects.filter(
            Q(action_line=OuterRef("pk")) | Q(question=OuterRef("question_id")),
            as_of__gt=OuterRef("last_round_as_of"),
            as_of__lte=as_of,
            clearance__in=[Clearance.SUBMITTED, Clearance.CLEARED],
        )
        return (
            self.annotate(last_round_as_of=Subquery(last_round))
            .filter(_open(), last_round_as_of__isnull=False)
            .exclude(Exists(updates))
        )

    def deadline_not_read(self):
        """Lines with a timeline, their own or their question's, that could not be dated."""
        return self.filter(deadline_kind=DeadlineKind.UNREAD).exclude(
            timeline="", question__timeline=""
        )

    def of_units(self, units):
        return self.filter(
            Exists(
                ActionLine.units.through.objects.filter(
                    actionline_id=OuterRef("pk"), unit__in=units
                )
            )
        )

    def linked_to_outputs(self, outputs):
        """Lines linked to any of `outputs`, directly or through their question.

        A question's outputs apply to each of its lines: plans cite P&B outputs per question.
        """
        # Two semi-joins, not one join across both link tables: that join multiplies a line's
        # outputs by its question's, and PostgreSQL may plan it badly on fresh statistics.
        direct = ActionLine.outputs.through.objects.filter(output__in=outputs)
        by_question = Question.outputs.through.objects.filter(output__in=outputs)
        return self.filter(
            Q(pk__in=direct.values("actionline_id"))
            | Q(question_id__in=by_question.values("question_id"))
        )

    def in_print_order(self):
        return self.order_by(*PRINT_ORDER)


class ActionLine(models.Model):
    """One tracked line of action or expected deliverable."""

    # Found through `line_order_unique` (question, order): no index of its own to write.
    question = models.ForeignKey(Question, models.CASCADE, related_name="lines", db_index=False)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    timeline = models.TextField(_("timeline as written"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=10, choices=DeadlineKind, default=DeadlineKind.UNREAD
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="lines", verbose_name=_("responsible units")
    )
    outputs = models.ManyToManyField(
        Output, blank=True, related_name="lines", verbose_name=_("P&B outputs")
    )

    objects = ActionLineQuerySet.as_manager()
    history = AuditedRecords(bases=[BatchedHistory], m2m_fields=["units", "outputs"])

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="line_order_unique"),
            models.CheckConstraint(
                condition=(
                    Q(deadline_kind=DeadlineKind.DATED, due_date__isnull=False)
                    | (~Q(deadline_kind=DeadlineKind.DATED) & Q(due_date__isnull=True))
                ),
                name="line_due_date_iff_dated",
            ),
            models.CheckConstraint(
                condition=Q(deadline_kind__in=DeadlineKind.values), name="line_deadline_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["deadline_kind", "due_date"], name="line_deadline_idx"),
            models.Index(fields=["due_date"], name="line_due_date_idx"),
        ]

    def __str__(self):
        return self.text[:100]

    @property
    def deadline_label(self):
        """What a dateless deadline is called; reads the question's timeline too."""
        return deadline_label(self.deadline_kind, bool(self.timeline or self.question.timeline))


class Clearance(models.TextChoices):
    """Where a status update stands on its way to the Governing Body: only cleared ones count."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CLEARED = "cleared", _("Cleared")
    RETURNED = "returned", _("Returned")


# Of two updates about the same line, the one that counts; ties on a date go to the last entered.
NEWEST_FIRST = ("-as_of", "-entered_at", "-pk")


class NewerOf(Func):
    """`field` of the newest (`NEWEST_FIRST`) of a few updates, each the newest of a queryset:
    the rows come from the index probes themselves (on PostgreSQL, the covering indexes give
    the category), where reading the winner again by id cost three times as much."""

    arg_joiner = " AS candidate UNION ALL SELECT * FROM "
    template = (
        "(SELECT %(column)s FROM (SELECT * FROM %(expressions)s AS candidate) AS candidates "
        f"ORDER BY {', '.join(f'{name.removeprefix("-")} DESC' for name in NEWEST_FIRST)} "
        "LIMIT 1)"
    )

    def __init__(self, *updates, field):
        columns = dict.fromkeys([name.removeprefix("-") for name in NEWEST_FIRST] + [field])
        output = StatusUpdate._meta.pk if field == "pk" else StatusUpdate._meta.get_field(field)
        newest = [
            Subquery(u.newest_first().values(*columns)[:1], output_field=output) for u in updates
        ]
        super().__init__(*newest, column=field, output_field=output)


class StatusUpdateQuerySet(models.QuerySet):
    def cleared(self):
        return self.filter(clearance=Clearance.CLEARED)

    def submitted(self):
        """Updates awaiting clearance."""
        return self.filter(clearance=Clearance.SUBMITTED)

    def with_line_page(self):
        """Annotate `line_page_id`: the line an update is read on (a whole question's: its
        first line), for links."""
        first = ActionLine.objects.filter(question=OuterRef("question")).order_by("order")
        return self.annotate(
            line_page_id=Coalesce("action_line", Subquery(first.values("pk")[:1]))
        )

    def of_plan(self, plan):
        return self.filter(
            Q(action_line__question__part__plan=plan) | Q(question__part__plan=plan)
        )

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def about_line(self, line):
        """The updates that count for a line: its own and those about its whole question."""
        return self.filter(Q(action_line=line) | Q(question_id=line.question_id))


class StatusUpdate(models.Model):
    """What was reported as of a date, about one action line or one whole question.

    Never edited or deleted by the app once submitted: a correction is a newer update. Only a
    draft is its author's to edit or delete (`services.status_update_edit`).
    """

    class Source(models.TextChoices):
        APP = "app", _("Entered in the app")
        IMPORT = "import", _("Imported")

    # PROTECT: deleting a line or question never takes its reported history with it.
    # Both found through the covering "newest" indexes below, which start with them: no index
    # of their own to write for each update (an import writes tens of thousands).
    action_line = models.ForeignKey(
        ActionLine, models.PROTECT, null=True, blank=True, related_name="updates", db_index=False
    )
    question = models.ForeignKey(
        Question, models.PROTECT, null=True, blank=True, related_name="updates", db_index=False
    )
    as_of = models.DateField(_("as of"))
    category = models.CharField(_("status"), max_length=12, choices=StatusCategory, blank=True)
    # Imported categories are guessed from the narrative's words until a person confirms them.
    category_confirmed = models.BooleanField(_("status confirmed"), default=True)
    narrative = models.TextField(_("narrative"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("author"),
    )
    import_batch = models.ForeignKey(
        "ImportBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("import"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=6, choices=Source, default=Source.APP)
    # Imported updates, and those of plans without clearance, are cleared as they are saved.
    clearance = models.CharField(
        _("clearance"), max_length=9, choices=Clearance, default=Clearance.CLEARED
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_updates",
        verbose_name=_("cleared or returned by"),
    )
    reviewed_at = models.DateTimeField(_("cleared or returned at"), null=True, blank=True)
    review_comment = models.TextField(_("reason for returning"), blank=True)

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-entered_at", "-pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(action_line__isnull=False, question__isnull=True)
                    | Q(action_line__isnull=True, question__isnull=False)
                ),
                name="update_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["", *StatusCategory.values]),
                name="update_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(clearance__in=Clearance.values), name="update_clearance_valid"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True, reviewed_at__isnull=True)
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="update_reviewed_by_and_at_together",
            ),
            # A draft was never submitted; a submitted update awaits its review; cleared and
            # returned ones name who decided, unless cleared as saved (imports, plans without
            # clearance), never submitted.
            models.CheckConstraint(
                condition=Q(clearance=Clearance.DRAFT, submitted_at=None, reviewed_at=None)
                | Q(clearance=Clearance.SUBMITTED, submitted_at__isnull=False, reviewed_at=None)
                | Q(clearance=Clearance.CLEARED, submitted_at=None, reviewed_at=None)
                | Q(
                    clearance__in=[Clearance.CLEARED, Clearance.RETURNED],
                    submitted_at__isnull=False,
                    reviewed_at__isnull=False,
                ),
                name="update_clearance_steps",
            ),
            models.CheckConstraint(
                condition=~Q(clearance=Clearance.RETURNED) | ~Q(review_comment=""),
                name="update_returned_with_comment",
            ),
            # The status form says so at the field; this holds for every other way in.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("narrative"), MAX_TEXT_LENGTH),
                name="update_narrative_bounded",
            ),
        ]
        # The newest update about a line or question, read from the index alone: clearance
        # and category trail the key, as SQLite has no INCLUDE (the probe of each line's
        # status then reads no table row there either: 35 % less time for the overdue table).
        indexes = [
            # Each holds only the updates about its kind of target, as every lookup names
            # one: an import of 20,000 lines' updates would otherwise put them all at one
            # place of the questions' index, NULL first, the slowest place to insert on
            # PostgreSQL (a fifth of the updates' COPY).
            models.Index(
                fields=["action_line", "-as_of", "-entered_at", "-id", "clearance", "category"],
                condition=Q(action_line__isnull=False),
                name="update_line_newest_idx",
            ),
            models.Index(
                fields=["question", "-as_of", "-entered_at", "-id", "clearance", "category"],
                condition=Q(question__isnull=False),
                name="update_question_newest_idx",
            ),
            models.Index(fields=["category"], name="update_category_idx"),
            # The few updates awaiting clearance, counted on every plan page: without it the
            # count reads every update.
            models.Index(
                fields=["action_line", "question"],
                condition=Q(clearance=Clearance.SUBMITTED),
                name="update_submitted_idx",
            ),
        ]

    def __str__(self):
        return f"{self.as_of}: {self.get_category_display() or '—'}"

    @property
    def target_question(self):
        """The question the update is about: its own, or its line's."""
        return self.question or self.action_line.question

    @property
    def is_suggested(self):
        return bool(self.category) and not self.category_confirmed

    @property
    def label(self):
        return status_label(self.category, self.category_confirmed)


class ReportingRoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class ReportingRound(models.Model):
    """A plan's status "as of" a date, reported to the Governing Body.

    Once published, no update on or before its date may be added to the plan, so the published
    annex never changes.
    """

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="rounds")
    as_of = models.DateField(_("as of"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="published_rounds",
        verbose_name=_("published by"),
    )

    objects = ReportingRoundQuerySet.as_manager()
    history = AuditedRecords(bases=[BatchedHistory])

    class Meta:
        ordering = ["plan", "-as_of"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.UniqueConstraint(fields=["plan", "as_of"], name="round_as_of_unique"),
            models.CheckConstraint(
                condition=(
                    Q(published_at__isnull=True, published_by__isnull=True)
                    | Q(published_at__isnull=False, published_by__isnull=False)
                ),
                name="round_published_at_and_by_together",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.as_of}"

    @property
    def is_published(self):
        return self.published_at is not None

    def awaiting_clearance(self):
        """Submitted updates dated in this round (after the plan's latest published round):
        it cannot be published while they wait."""
        updates = StatusUpdate.objects.submitted().of_plan(self.plan_id)
        updates = updates.filter(as_of__lte=self.as_of)
        closed_until = ReportingRound.closed_until(self.plan_id)
        return updates.filter(as_of__gt=closed_until) if closed_until else updates

    @staticmethod
    def closed_until(plan):
        """The date of the plan's latest published round: updates on or before it are refused."""
        latest = ReportingRound.objects.published().filter(plan=plan).order_by("-as_of").first()
        return latest.as_of if latest else None


class ImportBatch(models.Model):
    """One import of a workbook: the historical rows and status updates it wrote point here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("imported by"),
    )
    started_at = models.DateTimeField(_("imported at"), default=timezone.now)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    plan = models.ForeignKey(
        Plan,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("plan"),
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.filename} ({self.sha256[:12]})"


class IndicatorResponsibility(models.Model):
    """A unit answers for an indicator: its staff may record the indicator's measurements."""

    unit = models.ForeignKey(
        Unit, models.CASCADE, related_name="indicator_responsibilities", verbose_name=_("unit")
    )
    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="responsibilities", verbose_name=_("indicator")
    )

    class Meta:
        ordering = ["indicator", "unit"]
        verbose_name = _("responsibility for an indicator")
        verbose_name_plural = _("responsibilities for indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator"], name="indicator_responsibility_unique"
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.indicator}"


class Preferences(models.Model):
    """A person's own settings, made the first time they are needed (`Preferences.of`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="preferences"
    )
    digests = models.BooleanField(
        _("weekly digest by e-mail"),
        default=True,
        help_text=_("On Mondays: your units' lines due soon, overdue or not updated."),
    )
    # Blank: the site's default language.
    language = models.CharField(
        _("language of the e-mails"), max_length=2, choices=Language, blank=True
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user):
        """The user's preferences: unsaved defaults until they first change them."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    @property
    def mail_language(self):
        return self.language or settings.LANGUAGE_CODE


class DigestSent(models.Model):
    """A weekly digest went to a person: at most one per ISO week, whatever runs the sending."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="digests")
    week = models.DateField(_("week of"), help_text=_("The Monday of the ISO week."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-week", "user"]
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week"),
        ]

    def __str__(self):
        return f"{self.user} {self.week}"
