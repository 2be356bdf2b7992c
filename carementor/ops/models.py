from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A live worker or scheduler process writes its row every few seconds."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("Task worker")
        SCHEDULER = "scheduler", _("Scheduler")

    name = models.CharField(_("process"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("process heartbeat")
        verbose_name_plural = _("process heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return self.name


class ScheduledRun(models.Model):
    """One occurrence of a periodic command: claimed by exactly one scheduler replica."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: still running")

    job = models.CharField(_("command"), max_length=80)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    process = models.CharField(_("process"), max_length=200)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-due_at", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "due_at"], name="ops_scheduled_run_once")
        ]
        indexes = [models.Index(fields=["status", "-due_at"], name="ops_run_status_due")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M}"
