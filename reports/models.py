"""Render jobs: large PDFs are laid out by the task worker while the user waits or comes back."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from measures.heartbeat import stale_before

RENDER_FOLDER = "reports"


class RenderJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.exclude(status__in=[RenderJob.Status.DONE, RenderJob.Status.FAILED])

    def stalled(self):
        """Jobs whose task has not beaten for a whole lease: their worker is gone."""
        return self.unfinished().filter(heartbeat_at__lt=stale_before())


class RenderJob(models.Model):
    class Kind(models.TextChoices):
        ANNEX = "annex", _("Plan annex")
        RESULTS = "results", _("Results framework")
        MEASURES = "measures", _("Measures report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        COLLECTING = "collecting", _("Collecting the plan")
        LAYOUT = "layout", _("Laying out pages")
        WRITING = "writing", _("Writing the PDF")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        ERROR = "error", _("Error")
        WORKER_LOST = "lost", _("The worker stopped")
        TOO_LARGE = "too_large", _("Over the page or time budget")
        NO_SPACE = "no_space", _("Disk full")

    # A render only reads, so one whose worker died is safely run once more.
    MAX_ATTEMPTS = 2

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="render_jobs",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("document"), max_length=10, choices=Kind)
    # The plan or framework the document is about; none for the measures report.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    pages = models.PositiveIntegerField(_("pages laid out"), default=0)
    expected_pages = models.PositiveIntegerField(_("expected pages"), default=1)
    file = models.FileField(_("file"), upload_to=f"{RENDER_FOLDER}/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    failure = models.CharField(_("failure"), max_length=10, choices=Failure, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    # Set when the worker starts the task, then every quarter of the lease (measures.heartbeat).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RenderJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("render job")
        verbose_name_plural = _("render jobs")
        indexes = [models.Index(fields=["requested_by", "created_at"], name="renderjob_user_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:job", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def request_url(self):
        """Where the same document is asked for again."""
        if self.kind == self.Kind.ANNEX:
            query = urlencode({k: v for k, v in self.params.items() if v})
            return f"{reverse('reports:plan_annex_pdf', args=[self.object_id])}?{query}"
        if self.kind == self.Kind.RESULTS:
            return reverse("reports:framework_pdf", args=[self.object_id])
        return f"{reverse('reports:measures_pdf')}?{self.params.get('query', '')}"


class FilterListsVersion(models.Model):
    """One row whose token changes with every write to the tables the measures table's
    filter lists come from (plans, parts, units, frameworks, outcomes, outputs): the key under
    which each process caches the lists (`filters.LineFilter`).

    Database triggers set it (migration 0003), so that every way of writing counts: forms,
    the admin, imports' bulk writes, `update()`, other processes. The token is random, not a
    counter: a counter would take a value again after a rollback, with other data behind it.
    """

    token = models.BigIntegerField()

    def __str__(self):
        return str(self.token)

    @classmethod
    def current(cls):
        """The token, or None before any write since the tables were emptied (no caching)."""
        return cls.objects.values_list("token", flat=True).first()
