"""What the coding workbench holds about a study's respondent: their coded open answers
(the text, every coder's codes, the final codes). Registered with the platform
(:mod:`samspil.web.personal_data`) for privacy's access export and erasure."""

from __future__ import annotations

from typing import Any

from samspil.web.reportpdf import discard_on_commit


def _coding_units(study_id: int, respondent_id: str) -> Any:
    from samspil.coding_web.models import CodingUnit

    return CodingUnit.objects.filter(project__study_id=study_id, respondent_id=respondent_id)


def export_coding(study_id: int, respondent_id: str) -> list[dict[str, Any]]:
    """A respondent's coded open answers (privacy's access export)."""
    return [
        {
            "variable": unit.variable,
            "text": unit.text,
            "codes_given_by_coders": [list(v.codes) for v in unit.versions.all()],
            "final_codes": [list(d.codes) for d in unit.decisions.all()],
        }
        for unit in _coding_units(study_id, respondent_id).prefetch_related("versions", "decisions")
    ]


def erase_coding(study_id: int, respondent_id: str) -> int:
    """Erase a respondent's coded open answers (privacy's erasure); returns how many. The
    reports made of the study's coding projects, which may quote them and count the
    respondent's answers, are removed once the erasure commits."""
    from samspil.coding_web.models import CodingProject
    from samspil.coding_web.project_answers import report_dir

    units = _coding_units(study_id, respondent_id)
    count = units.count()
    units.delete()
    discard_on_commit(report_dir(p) for p in CodingProject.objects.filter(study_id=study_id))
    return count
