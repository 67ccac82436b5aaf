"""Render jobs: large PDFs are laid out by the task worker while the user waits or comes back."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

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
