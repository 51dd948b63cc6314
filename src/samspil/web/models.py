"""The platform's tables: the workers' heartbeats.

``WorkerBeat`` kept its table name from when fieldwork held it (``fieldwork_workerbeat``):
the move changed Django's bookkeeping only, no data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """A running worker process; its heartbeat tells others whether it is still alive
    (``samspil.web.worker``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    class Meta:
        db_table = "fieldwork_workerbeat"
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return self.worker_id
