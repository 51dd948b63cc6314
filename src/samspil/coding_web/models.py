"""Coding projects, their answers (units), the coders' coding versions and the decisions.

"Coding edits are versions": every save by a coder adds a :class:`CodingVersion` row (who,
when, which codes); a coder's current coding of an answer is their latest version. The
same holds for adjudication (:class:`Decision`) and for suggestions (:class:`SuggestionRun`:
the latest run per open question counts). Nothing is updated in place, so the history of
every answer can be read back. The derived state (current codings, final codes) is
computed in ``state.py``.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.coding import Codebook, CodedQuestion, load_codebook

# Parsed frozen codebooks by content hash: validating costs milliseconds, a page view should not.
_CODEBOOKS: dict[str, Codebook] = {}


class CodingProject(models.Model):
    """One codebook applied to the open answers of a study or of an imported file."""

    name = models.CharField(_("name"), max_length=200)
    codebook_id = models.CharField(_("codebook"), max_length=100)
    # Frozen copy of the codebook taken when the project is created: codes never change
    # under the coders' feet.
    codebook_json = models.JSONField(default=dict)
    codebook_sha256 = models.CharField(max_length=64, default="")
    study = models.ForeignKey(
        "fieldwork.Study",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coding_projects",
    )
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    # The imported answers file as uploaded (a few MB at most): the report reads it again.
    source_file = models.BinaryField(null=True, blank=True, editable=False)
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coding_projects_managed"
    )
    coder_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("coder 1"),
    )
    coder_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("coder 2"),
    )
    threshold = models.FloatField(
        default=0.7, help_text=_("Suggested codes at or above this probability are pre-ticked.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(coder_1=F("coder_2")), name="codingproject_two_coders"
            ),
        ]
        verbose_name = _("coding project")
        verbose_name_plural = _("coding projects")

    def __str__(self) -> str:
        return self.name

    def freeze_codebook(self, codebook: Codebook) -> None:
        data = codebook.model_dump(mode="json")
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        self.codebook_id = codebook.id
        self.codebook_json = data
        self.codebook_sha256 = hashlib.sha256(text.encode()).hexdigest()

    @property
    def codebook(self) -> Codebook:
        if not self.codebook_json:
            return load_codebook(self.codebook_id)
        cached = _CODEBOOKS.get(self.codebook_sha256)
        if cached is None:
            cached = Codebook.model_validate(self.codebook_json)
            if len(_CODEBOOKS) > 32:
                _CODEBOOKS.clear()
            _CODEBOOKS[self.codebook_sha256] = cached
        return cached

    def question(self, variable: str) -> CodedQuestion:
        return self.codebook.question(variable)

    @property
    def coder_ids(self) -> tuple[int, int]:
        return (self.coder_1_id, self.coder_2_id)

    @property
    def source_label(self) -> str:
        return self.study.name if self.study_id and self.study else self.source_name


class CodingUnit(models.Model):
    """One open answer to code: a respondent's text for one open question."""

    project = models.ForeignKey(CodingProject, on_delete=models.CASCADE, related_name="units")
    respondent_id = models.CharField(max_length=100)
    variable = models.CharField(max_length=100)
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "variable", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "variable", "respondent_id"], name="codingunit_unique"
            )
        ]
        indexes = [models.Index(fields=["project", "variable", "position"], name="codingunit_pos")]

    def __str__(self) -> str:
        return f"{self.variable} {self.respondent_id}"


class CodingVersion(models.Model):
    """One save by a coder: the codes they gave an answer. The latest one is current."""

    unit = models.ForeignKey(CodingUnit, on_delete=models.CASCADE, related_name="versions")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    codes = models.JSONField(default=list)
    quotable = models.BooleanField(default=False)
    # The codes that were pre-ticked as suggestions when the coder saved (audit only).
    suggested = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["unit", "coder"], name="codingversion_unit_coder")]

    def __str__(self) -> str:
        return f"{self.unit} by {self.coder_id}: {', '.join(self.codes)}"


class Decision(models.Model):
    """An adjudicated final code set for an answer the coders coded differently."""

    unit = models.ForeignKey(CodingUnit, on_delete=models.CASCADE, related_name="decisions")
    codes = models.JSONField(default=list)
    quotable = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.unit}: {', '.join(self.codes)}"


class SuggestionRun(models.Model):
    """A classifier trained on the final codes of one open question, with its
    cross-validated quality; the latest run per question is the one shown."""

    project = models.ForeignKey(
        CodingProject, on_delete=models.CASCADE, related_name="suggestion_runs"
    )
    variable = models.CharField(max_length=100)
    threshold = models.FloatField()
    n_answers = models.PositiveIntegerField()
    evaluation = models.JSONField(default=dict)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    trained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.variable} ({self.trained_at:%Y-%m-%d %H:%M})"


class Suggestion(models.Model):
    """Suggested codes for one answer; never a coding or a final code by itself."""

    run = models.ForeignKey(SuggestionRun, on_delete=models.CASCADE, related_name="suggestions")
    unit = models.ForeignKey(CodingUnit, on_delete=models.CASCADE, related_name="suggestions")
    probabilities = models.JSONField(default=dict)
    pre_ticked = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="suggestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {', '.join(self.pre_ticked)}"
